// A drawing pad: pencil, eraser, clear, mouse or keyboard (arrows move, space paints);
// `bitmap()` gives 32×32 on/off pixels, the resolution sklearn's digits were scanned at.

const SIDE = 32;

export class DrawPad {
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d", { willReadFrequently: true });
    this.onChange = onChange;
    this.erasing = false;
    this.cursor = [SIDE / 2, SIDE / 2];
    this.last = null;
    this.clear();
    canvas.addEventListener("mousedown", (e) => { this.last = this.at(e); this.stroke(this.last); });
    canvas.addEventListener("mousemove", (e) => { if (this.last) this.stroke(this.at(e)); });
    window.addEventListener("mouseup", () => { if (this.last) { this.last = null; this.changed(); } });
    canvas.addEventListener("keydown", (e) => this.key(e));
  }

  get cell() { return this.canvas.width / SIDE; }

  at(event) {
    const box = this.canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * this.canvas.width / box.width,
      (event.clientY - box.top) * this.canvas.height / box.height];
  }

  stroke(point) {
    const { ctx } = this;
    ctx.globalCompositeOperation = this.erasing ? "destination-out" : "source-over";
    ctx.strokeStyle = "#111";
    ctx.lineCap = "round";
    ctx.lineWidth = this.cell * (this.erasing ? 6 : 4);
    ctx.beginPath();
    ctx.moveTo(...(this.last ?? point));
    ctx.lineTo(...point);
    ctx.stroke();
    this.last = point;
    this.throttled();
  }

  throttled() {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; this.changed(); }, 80);
  }

  key(event) {
    const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    if (!(event.key in moves) && event.key !== " ") return;
    event.preventDefault();
    if (event.key in moves) {
      const [dx, dy] = moves[event.key];
      this.cursor = [Math.max(0, Math.min(SIDE - 1, this.cursor[0] + dx)),
        Math.max(0, Math.min(SIDE - 1, this.cursor[1] + dy))];
    }
    if (event.key === " " || event.shiftKey) {
      const c = this.cell;
      this.last = null;
      this.stroke([(this.cursor[0] + 0.5) * c, (this.cursor[1] + 0.5) * c]);
      this.last = null;
    }
    this.drawCursor();
  }

  drawCursor() {
    this.canvas.style.setProperty("--cx", `${this.cursor[0] / SIDE * 100}%`);
    this.canvas.style.setProperty("--cy", `${this.cursor[1] / SIDE * 100}%`);
  }

  setErasing(on) { this.erasing = on; }

  clear() {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  // a block is on when ink covers at least 30 % of it
  bitmap() {
    const { width } = this.canvas;
    const alpha = this.ctx.getImageData(0, 0, width, width).data;
    const c = this.cell;
    const bits = new Array(SIDE * SIDE).fill(0);
    for (let y = 0; y < width; y++) {
      for (let x = 0; x < width; x++) {
        bits[Math.floor(y / c) * SIDE + Math.floor(x / c)] += alpha[4 * (y * width + x) + 3] / 255;
      }
    }
    return bits.map((ink) => (ink / (c * c) >= 0.3 ? 1 : 0));
  }

  // put on/off pixels back (a webcam frame): each on pixel becomes a filled cell
  load(bits) {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.ctx.globalCompositeOperation = "source-over";
    this.ctx.fillStyle = "#111";
    bits.forEach((on, i) => {
      if (on) this.ctx.fillRect((i % SIDE) * this.cell, Math.floor(i / SIDE) * this.cell, this.cell, this.cell);
    });
    this.changed();
  }

  isEmpty() { return !this.bitmap().some((b) => b); }

  changed() { this.onChange?.(this); }
}

// The pencil / eraser / clear buttons every drawing page has (ids pencil, eraser, clear).
export function bindTools(pad, $) {
  const tool = (erasing) => {
    pad.setErasing(erasing);
    $("pencil").classList.toggle("selected", !erasing);
    $("eraser").classList.toggle("selected", erasing);
  };
  $("pencil").addEventListener("click", () => tool(false));
  $("eraser").addEventListener("click", () => tool(true));
  $("clear").addEventListener("click", () => pad.clear());
}
