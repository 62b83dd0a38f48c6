// The output heatmap over [-6, 6]² (bytes from the server), the data points on top, and clicks
// that add custom points.

import { classShade, DISCRETE_LUT, pointColor, rgb, SIGNED_LUT } from "./colors.js";

export function decode(b64) {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// TFP paints its output at alpha 160/255, so that points in their class colour stay visible.
const OUTPUT_ALPHA = 160;

// Paint a size x size "signed" map (one byte per pixel) onto a canvas of that size.
export function paintSigned(canvas, bytes, size, discrete = false, alpha = 255) {
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  const lut = discrete ? DISCRETE_LUT : SIGNED_LUT;
  for (let i = 0, p = 0; i < size * size; i++) {
    const c = lut[bytes[i]];
    image.data[p++] = c[0]; image.data[p++] = c[1]; image.data[p++] = c[2]; image.data[p++] = alpha;
  }
  ctx.putImageData(image, 0, 0);
}

function paintClasses(canvas, bytes, size, nClasses, discrete) {
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  for (let i = 0, p = 0; i < size * size; i++) {
    const c = classShade(bytes[2 * i], bytes[2 * i + 1] / 255, nClasses, discrete);
    image.data[p++] = c[0]; image.data[p++] = c[1]; image.data[p++] = c[2];
    image.data[p++] = OUTPUT_ALPHA;
  }
  ctx.putImageData(image, 0, 0);
}

export class Heatmap {
  constructor(background, overlay, onClick) {
    this.background = background;
    this.overlay = overlay;
    this.points = { train: [], test: [], n_classes: 2 };
    overlay.addEventListener("click", (event) => {
      const box = overlay.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * 12 - 6;
      const y = 6 - ((event.clientY - box.top) / box.height) * 12;
      onClick(Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000, event.shiftKey);
    });
  }

  setPoints(points) {
    this.points = points;
  }

  paint(map, discrete) {
    if (!map) return;
    const bytes = decode(map.data);
    if (map.kind === "classes") {
      paintClasses(this.background, bytes, map.size, this.points.n_classes, discrete);
    } else {
      paintSigned(this.background, bytes, map.size, discrete, OUTPUT_ALPHA);
    }
  }

  drawPoints(showTest) {
    const ctx = this.overlay.getContext("2d");
    const size = this.overlay.width;
    ctx.clearRect(0, 0, size, size);
    const nClasses = this.points.n_classes;
    const draw = (rows, stroke) => {
      ctx.strokeStyle = stroke;
      ctx.lineWidth = 1.5;
      for (const [x, y, label] of rows) {
        ctx.beginPath();
        ctx.arc((x + 6) / 12 * size, (6 - y) / 12 * size, 5.5, 0, 2 * Math.PI);
        ctx.fillStyle = rgb(pointColor(label, nClasses));
        ctx.fill();
        ctx.stroke();
      }
    };
    draw(this.points.train, "#ffffff");
    if (showTest) draw(this.points.test, "#202124");
  }
}
