// Colours as in TensorFlow Playground: orange for -1 (class 0), blue for +1 (class 1).

export const ORANGE = [245, 147, 34];
export const GREY = [232, 234, 235];
export const BLUE = [8, 119, 189];
export const CLASS_COLORS = [ORANGE, BLUE, [44, 160, 95], [142, 68, 173], [214, 39, 40],
  [23, 190, 207]];

function mix(a, b, t) {
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

// value in [-1, 1] -> [r, g, b]
export function diverging(value) {
  const v = Math.max(-1, Math.min(1, value));
  return v < 0 ? mix(GREY, ORANGE, -v) : mix(GREY, BLUE, v);
}

// byte 0..255 (value = byte / 127.5 - 1) -> [r, g, b], precomputed.
export const SIGNED_LUT = Array.from({ length: 256 }, (_, b) => diverging(b / 127.5 - 1));
export const DISCRETE_LUT = Array.from({ length: 256 }, (_, b) => diverging(b >= 128 ? 1 : -1));

export function rgb(c, alpha = 1) {
  return `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;
}

export function classColor(k) {
  return CLASS_COLORS[k % CLASS_COLORS.length];
}

// confidence p in [1/k, 1] of class k -> colour faded towards grey when unsure
export function classShade(k, p, nClasses, discrete) {
  const t = discrete ? 1 : Math.max(0, (p - 1 / nClasses) / (1 - 1 / nClasses));
  return mix(GREY, classColor(k), t);
}

// A point's fill: class colour, or the diverging colour of a regression target.
export function pointColor(label, nClasses) {
  return nClasses ? classColor(label) : diverging(label);
}
