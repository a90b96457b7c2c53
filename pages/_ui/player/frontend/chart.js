// The player's chart strip: joint-angle curves on the player's timeline, with a playhead that
// follows playback and a click / drag to seek. Payload format: flag3d_core/player/curves.py.
// Plain canvas 2D: the curves are drawn once per data / group / size change into an offscreen
// canvas; each frame only copies it and draws the playhead, so playback costs ~nothing here.

const BAND_COLORS = ['rgba(237, 201, 72, 0.22)', 'rgba(242, 142, 43, 0.18)'];
const PEAK_COLOR = 'rgba(242, 142, 43, 0.9)';
const AXIS_COLOR = '#6b7280';
const GRID_COLOR = '#e5e7eb';
const DASH = { left: [], right: [5, 3], centre: [] };
const M = { left: 38, right: 8, top: 6, bottom: 16 };  // plot margins, CSS pixels

function niceStep(span, target) {
  const steps = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180];
  return steps.find((s) => span / s <= target) || 180;
}

export class AngleChart {
  constructor({ box, canvas, group, note, reps, values }, decode, onSeek) {
    Object.assign(this, { box, canvas, groupSel: group, note, reps, values, decode, onSeek });
    this.curves = null; this.bg = document.createElement('canvas');
    this.time = 0; this.duration = 1; this.dirty = true;
    group.addEventListener('change', () => { this.group = group.value; this.redraw(); });
    const seek = (ev) => {
      if (!this.curves) return;
      const r = canvas.getBoundingClientRect();
      const x = Math.min(Math.max(ev.clientX - r.left - M.left, 0), this.plotW());
      onSeek((x / Math.max(this.plotW(), 1)) * this.duration);
    };
    canvas.addEventListener('pointerdown', (ev) => {
      canvas.setPointerCapture(ev.pointerId); this.dragging = true; seek(ev);
    });
    canvas.addEventListener('pointermove', (ev) => { if (this.dragging) seek(ev); });
    canvas.addEventListener('pointerup', () => { this.dragging = false; });
    new ResizeObserver(() => this.redraw()).observe(canvas);
  }

  plotW() { return this.canvas.clientWidth - M.left - M.right; }
  plotH() { return this.canvas.clientHeight - M.top - M.bottom; }

  // curves: payload.curves or undefined; seqs: [{color, label}] by seq index.
  load(curves, seqs, duration) {
    this.curves = curves || null;
    this.box.style.display = curves ? 'flex' : 'none';
    document.body.dataset.chart = curves ? 'shown' : 'none';
    if (!curves) return;
    this.seqs = seqs; this.duration = duration || 1;
    this.fps = curves.fps;
    this.groups = curves.groups.map((g) => ({ ...g,
      series: g.series.map((s) => ({ ...s, y: this.decode(s.values) })) }));
    const keep = this.groups.some((g) => g.name === this.group);
    if (!keep) this.group = curves.default_group;
    this.groupSel.replaceChildren(...this.groups.map((g) => {
      const o = document.createElement('option');
      o.value = g.name; o.textContent = `${g.name} (${curves.unit})`;
      return o;
    }));
    this.groupSel.value = this.group;
    const r = curves.repetitions;
    this.reps.textContent = r && r.count
      ? `shaded: ${r.count} repetition${r.count === 1 ? '' : 's'} found in ${seqs[r.seq]?.label ?? ''}`
        + (r.period_frames ? ` (≈ ${(r.period_frames / this.fps).toFixed(1)} s each)` : '')
      : (r ? 'no repetitions found' : '');
    this.redraw();
  }

  current() { return this.groups.find((g) => g.name === this.group) || this.groups[0]; }

  // The background: grid, repetition bands, curves. Redrawn on data, group or size change.
  redraw() {
    if (!this.curves) return;
    const g = this.current();
    this.note.textContent = g.note;
    const dpr = window.devicePixelRatio || 1;
    const w = this.canvas.clientWidth, h = this.canvas.clientHeight;
    if (w === 0 || h === 0) return;
    for (const c of [this.canvas, this.bg]) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
    const ctx = this.bg.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    // y range over every series of the group, at least min_span (noise stays small)
    let lo = Infinity, hi = -Infinity;
    for (const s of g.series) for (const v of s.y) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const span = Math.max(hi - lo, this.curves.min_span);
    const mid = (hi + lo) / 2;
    this.lo = mid - span * 0.55; this.hi = mid + span * 0.55;
    const pw = this.plotW(), ph = this.plotH();
    const X = (t) => M.left + (t / this.duration) * pw;
    const Y = (v) => M.top + (1 - (v - this.lo) / (this.hi - this.lo)) * ph;
    this.X = X; this.Y = Y;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = AXIS_COLOR; ctx.strokeStyle = GRID_COLOR; ctx.lineWidth = 1;
    // y grid and labels (in the curves' unit)
    const ys = niceStep(this.hi - this.lo, 4);
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (let v = Math.ceil(this.lo / ys) * ys; v <= this.hi; v += ys) {
      ctx.beginPath(); ctx.moveTo(M.left, Y(v)); ctx.lineTo(M.left + pw, Y(v)); ctx.stroke();
      ctx.fillText(`${v}${this.curves.unit === '°' ? '°' : ''}`, M.left - 4, Y(v));
    }
    // x labels (seconds)
    const xs = niceStep(this.duration, Math.max(2, Math.floor(pw / 70)));
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (let t = 0; t <= this.duration + 1e-9; t += xs) ctx.fillText(`${t} s`, X(t), M.top + ph + 3);
    // repetitions of the first sequence: alternating bands, dotted peaks
    const r = this.curves.repetitions;
    if (r) {
      r.segments.forEach(([s, e], i) => {
        ctx.fillStyle = BAND_COLORS[i % 2];
        ctx.fillRect(X(s / this.fps), M.top, X(e / this.fps) - X(s / this.fps), ph);
      });
      ctx.strokeStyle = PEAK_COLOR; ctx.setLineDash([2, 3]);
      for (const p of r.peaks) {
        ctx.beginPath(); ctx.moveTo(X(p / this.fps), M.top); ctx.lineTo(X(p / this.fps), M.top + ph);
        ctx.stroke();
      }
      ctx.setLineDash([]);
    }
    // curves: the sequence's colour; solid left, dashed right; compared sequences thinner
    ctx.save();
    ctx.beginPath(); ctx.rect(M.left, M.top, pw, ph); ctx.clip();
    for (const s of [...g.series].reverse()) {
      ctx.strokeStyle = s.color || this.seqs[s.seq]?.color || '#333';
      ctx.lineWidth = s.seq === 0 ? 1.8 : 1.2;
      ctx.setLineDash(DASH[s.side] || []);
      ctx.beginPath();
      s.y.forEach((v, f) => (f ? ctx.lineTo(X(f / this.fps), Y(v)) : ctx.moveTo(X(0), Y(v))));
      ctx.stroke();
    }
    ctx.restore();
    this.dirty = true;
    this.draw(this.time, true);
  }

  // Per frame: copy the background, draw the playhead and the values at it.
  draw(time, force = false) {
    if (!this.curves || !this.X) return;
    if (!force && time === this.time && !this.dirty) return;
    this.time = time; this.dirty = false;
    const ctx = this.canvas.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.bg, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const x = this.X(Math.min(time, this.duration));
    ctx.strokeStyle = '#111827'; ctx.lineWidth = 1.2;
    ctx.beginPath(); ctx.moveTo(x, M.top); ctx.lineTo(x, M.top + this.plotH()); ctx.stroke();
    const g = this.current();
    const parts = [];
    for (const s of g.series) {
      const f = Math.min(Math.floor(time * this.fps + 1e-6), s.y.length - 1);
      const v = s.y[f];
      ctx.fillStyle = s.color || this.seqs[s.seq]?.color || '#333';
      ctx.beginPath(); ctx.arc(this.X(f / this.fps), this.Y(v), 2.5, 0, 2 * Math.PI); ctx.fill();
      if (s.seq === (g.values_of ?? 0)) parts.push(`${s.label} ${Math.round(v)} ${this.curves.unit}`.replace(' °', '°'));
    }
    // a group may name its own line styles (g.legend); joint-angle groups: left / right
    const sides = g.legend != null ? (g.legend ? `  (${g.legend})` : '')
      : (g.series.some((s) => s.side === 'right') ? '  (— left, - - right)' : '');
    const text = `${parts.join(' · ')}${sides}`;
    if (this.values.textContent !== text) this.values.textContent = text;
  }
}
