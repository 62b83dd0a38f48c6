// The live loss chart: training loss in grey, test loss in black, as in TFP.

export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.train = [];
    this.test = [];
  }

  reset() {
    this.train = [];
    this.test = [];
    this.draw();
  }

  add(epoch, train, test) {
    if (epoch === 0) this.reset();
    if (train === null && test === null) return;
    this.train.push([epoch, train]);
    this.test.push([epoch, test]);
    if (this.train.length > 600) {  // keep every other point: the curve's shape, bounded memory
      this.train = this.train.filter((_, i) => i % 2 === 0);
      this.test = this.test.filter((_, i) => i % 2 === 0);
    }
    this.draw();
  }

  draw() {
    const { canvas } = this;
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const all = [...this.train, ...this.test].map((p) => p[1]).filter(Number.isFinite);
    if (all.length < 2) return;
    const maxY = Math.max(...all, 1e-6);
    const minX = this.train[0][0];
    const maxX = Math.max(this.train[this.train.length - 1][0], minX + 1);
    const line = (points, color, width) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      points.forEach(([x, y], i) => {
        if (!Number.isFinite(y)) return;
        const px = ((x - minX) / (maxX - minX)) * (canvas.width - 2) + 1;
        const py = canvas.height - 2 - (y / maxY) * (canvas.height - 4);
        if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
      ctx.stroke();
    };
    line(this.train, "#9aa0a6", 1.5);
    line(this.test, "#202124", 1.5);
  }
}
