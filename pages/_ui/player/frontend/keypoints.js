// The player's 2D view: COCO-17 keypoints (pixels, y down) with their scores, over the video
// frame when the payload carries the video. Payload format: flag3d_core/player/keypoints.py.
// With a video, the video element is the clock (play, pause, seek and speed go to it) so the
// keypoints stay on the frame shown; without one the player's own clock drives the drawing.

export class KeypointView {
  constructor(container, decode) {
    this.box = document.createElement('div');
    this.box.id = 'kp2d';
    Object.assign(this.box.style, { position: 'absolute', inset: '0', display: 'none',
      background: '#111827' });
    this.video = document.createElement('video');
    Object.assign(this.video, { muted: true, loop: true, playsInline: true });
    this.canvas = document.createElement('canvas');
    for (const el of [this.video, this.canvas]) {
      Object.assign(el.style, { position: 'absolute', left: '0', top: '0' });
      this.box.append(el);
    }
    container.append(this.box);
    this.decode = decode;
    this.p = null;
    new ResizeObserver(() => this.layout()).observe(container);
  }

  get active() { return this.p !== null; }
  get hasVideo() { return Boolean(this.p && this.p.video); }

  load(p) {
    this.p = p;
    this.kp = this.decode(p.keypoints);  // (T*J*2) pixels
    this.sc = this.decode(p.scores);  // (T*J) 0..255
    this.J = p.keypoints.shape[1];
    this.box.style.display = 'block';
    if (p.video) {
      this.video.src = p.video; this.video.style.display = 'block';
    } else {
      this.video.removeAttribute('src'); this.video.style.display = 'none';
    }
    document.body.dataset.video = p.video ? 'yes' : 'no';
    this.layout();
  }

  unload() {
    this.p = null; this.box.style.display = 'none';
    this.video.pause(); this.video.removeAttribute('src'); this.video.load();
  }

  // Fit the image into the view, keeping its aspect ratio (letterboxed).
  layout() {
    if (!this.p) return;
    const W = this.box.clientWidth, H = this.box.clientHeight;
    const [iw, ih] = this.p.image;
    const s = Math.min(W / iw, H / ih);
    this.scale = s;
    const w = iw * s, h = ih * s, x = (W - w) / 2, y = (H - h) / 2;
    for (const el of [this.video, this.canvas]) {
      Object.assign(el.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
    }
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(w * dpr); this.canvas.height = Math.round(h * dpr);
    this.lastFrame = -1;
  }

  play(on) { if (this.hasVideo) (on ? this.video.play().catch(() => {}) : this.video.pause()); }
  seek(t) { if (this.hasVideo) this.video.currentTime = t; }
  rate(r) { this.video.playbackRate = r; }
  clock() { return this.hasVideo ? this.video.currentTime : null; }

  draw(frame) {
    if (!this.p || frame === this.lastFrame) return;
    this.lastFrame = frame;
    const ctx = this.canvas.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr * this.scale, 0, 0, dpr * this.scale, 0, 0);
    ctx.clearRect(0, 0, this.p.image[0], this.p.image[1]);
    const f = Math.min(Math.max(frame, 0), this.p.n_frames - 1);
    const o = f * this.J, K = this.kp, S = this.sc, min = this.p.score_min * 255;
    const px = (j) => K[2 * (o + j)], py = (j) => K[2 * (o + j) + 1];
    const lw = 3 / this.scale;
    ctx.lineCap = 'round';
    for (const [c, q] of this.p.edges) {
      const ok = Math.min(S[o + c], S[o + q]) >= min;
      ctx.strokeStyle = ok ? this.p.color : 'rgba(156, 163, 175, 0.5)';
      ctx.lineWidth = ok ? lw : lw * 0.6;
      ctx.beginPath(); ctx.moveTo(px(c), py(c)); ctx.lineTo(px(q), py(q)); ctx.stroke();
    }
    for (let j = 0; j < this.J; j++) {  // joints: opacity follows the detection score
      const a = Math.max(S[o + j] / 255, 0.15);
      ctx.fillStyle = S[o + j] >= min ? `rgba(250, 204, 21, ${a})` : 'rgba(156, 163, 175, 0.6)';
      ctx.beginPath(); ctx.arc(px(j), py(j), 2.2 * lw, 0, 2 * Math.PI); ctx.fill();
    }
  }
}
