// FLAG3D in-browser motion player: a Streamlit (components v1) iframe drawing skeleton and
// skinned-mesh tracks with three.js. The payload format is built by
// flag3d_core/viz/player_data.py (read its docstring first). World: metres, z up, floor z = 0.
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { AngleChart } from './chart.js';
import { KeypointView } from './keypoints.js';

// ---- Streamlit component protocol (v1, hand-written: no build step) -------------------------
function sendToStreamlit(type, data = {}) {
  window.parent.postMessage({ isStreamlitMessage: true, type, ...data }, '*');
}
let frameHeight = 0;
function setFrameHeight(h) {
  if (h !== frameHeight) { frameHeight = h; sendToStreamlit('streamlit:setFrameHeight', { height: h }); }
}

// ---- software WebGL (no GPU: SwiftShader, llvmpipe) gets a lighter setup ------------------
// There the iframe's drawing competes for the CPU with Streamlit on the same page, so: no
// multisampling, Lambert instead of PBR shading, and fewer frames per second.
function softwareWebGL() {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(name);
  } catch { return false; }
}
const SOFTWARE = softwareWebGL();
const Material = SOFTWARE ? THREE.MeshLambertMaterial : THREE.MeshStandardMaterial;
const shading = (params) => (SOFTWARE ? params : { roughness: 0.6, metalness: 0.0, ...params });
// Draw at most ~30 (software: ~20) times a second; the data is usually 30 fps.
const MIN_FRAME_MS = SOFTWARE ? 48 : 30;

// ---- binary arrays: {dtype, shape, data: base64 little-endian[, scale]} ----------------------
// Typed arrays use the platform byte order; every browser platform in use is little-endian.
const TYPED = { float32: Float32Array, int16: Int16Array, uint16: Uint16Array,
  uint32: Uint32Array, uint8: Uint8Array };
function decode(enc) {
  const bin = atob(enc.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (!TYPED[enc.dtype]) throw new Error(`unsupported array dtype ${enc.dtype}`);
  const raw = new TYPED[enc.dtype](bytes.buffer);  // fresh buffer: offset 0, aligned
  if (enc.scale === undefined) return raw;
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i] * enc.scale;
  return out;
}

// Frame f and blend factor a at time t (s); past the end a track holds its last frame.
function frameAt(t, fps, n) {
  const x = Math.min(Math.max(t * fps, 0), n - 1);
  const f = Math.floor(x);
  return [f, Math.min(f + 1, n - 1), x - f];
}

// ---- skeleton track: spheres at joints, cylinders along bones --------------------------------
const Y_AXIS = new THREE.Vector3(0, 1, 0);
const HIGHLIGHT_COLOR = 0xe11d48;
class SkeletonTrack {
  constructor(track) {
    this.fps = track.fps; this.n = track.n_frames; this.dx = track.x_offset;
    [, this.J] = track.joints.shape;
    this.joints = decode(track.joints);  // (T*J*3) metres
    this.edges = track.edges;
    const color = new THREE.Color(track.color);
    // Joints carry per-instance colours (white material): the track colour, or a signal colour
    // for highlighted joints (track.highlight, joint indices), which are also drawn larger.
    this.balls = new THREE.InstancedMesh(new THREE.SphereGeometry(0.028, 12, 8),
      new Material(shading({ color: 0xffffff })), this.J);
    this.sticks = new THREE.InstancedMesh(new THREE.CylinderGeometry(0.016, 0.016, 1, 8),
      new Material(shading({ color })), Math.max(this.edges.length, 1));
    for (const m of [this.balls, this.sticks]) m.frustumCulled = false;
    this.big = new Set(track.highlight || []);
    const signal = new THREE.Color(HIGHLIGHT_COLOR);
    // track.joint_colors: one colour per joint (e.g. its error), replacing the track colour
    const own = track.joint_colors && track.joint_colors.length === this.J
      ? track.joint_colors.map((c) => new THREE.Color(c)) : null;
    for (let j = 0; j < this.J; j++) {
      this.balls.setColorAt(j, own ? own[j] : (this.big.has(j) ? signal : color));
    }
    this.object = new THREE.Group();
    this.object.add(this.balls, this.sticks);
    this.pos = new Float32Array(this.J * 3);
    this._m = new THREE.Matrix4(); this._q = new THREE.Quaternion();
    this._a = new THREE.Vector3(); this._b = new THREE.Vector3(); this._s = new THREE.Vector3();
  }
  update(t) {
    const [f0, f1, a] = frameAt(t, this.fps, this.n);
    const o0 = f0 * this.J * 3, o1 = f1 * this.J * 3, P = this.pos, X = this.joints;
    for (let i = 0; i < this.J * 3; i++) P[i] = X[o0 + i] * (1 - a) + X[o1 + i] * a;
    for (let j = 0; j < this.J; j++) P[3 * j] += this.dx;
    const { _m: m, _q: q, _a: pa, _b: pb, _s: s } = this;
    for (let j = 0; j < this.J; j++) {
      m.makeTranslation(P[3 * j], P[3 * j + 1], P[3 * j + 2]);
      if (this.big.has(j)) m.scale(s.set(1.9, 1.9, 1.9));
      this.balls.setMatrixAt(j, m);
    }
    this.edges.forEach(([c, p], e) => {
      pa.fromArray(P, 3 * c); pb.fromArray(P, 3 * p);
      const len = pa.distanceTo(pb);
      q.setFromUnitVectors(Y_AXIS, pb.sub(pa).normalize());
      pa.addScaledVector(pb, len / 2);  // midpoint (pb is now the unit direction)
      this.sticks.setMatrixAt(e, m.compose(pa, q, s.set(1, len, 1)));
    });
    this.balls.instanceMatrix.needsUpdate = true;
    this.sticks.instanceMatrix.needsUpdate = true;
  }
  points() {  // current joint positions, for framing the camera
    const out = [];
    for (let j = 0; j < this.J; j++) out.push(new THREE.Vector3().fromArray(this.pos, 3 * j));
    return out;
  }
}

// ---- mesh track: three.js SkinnedMesh, bones posed from per-frame quaternions ----------------
class MeshTrack {
  constructor(track, body) {
    this.fps = track.fps; this.n = track.n_frames; this.dx = track.x_offset;
    this.rest = decode(body.rest_joints);  // (24*3)
    this.parents = body.parents;
    this.J = this.parents.length;
    this.transl = decode(track.transl);  // (T*3)
    this.quats = decode(track.rotations);  // (T*J*4) x,y,z,w dequantised
    for (let i = 0; i < this.quats.length; i += 4) {  // int16 -> unit quaternions, once
      const q = this.quats;
      const r = Math.hypot(q[i], q[i + 1], q[i + 2], q[i + 3]) || 1;
      q[i] /= r; q[i + 1] /= r; q[i + 2] /= r; q[i + 3] /= r;
    }
    const geom = new THREE.BufferGeometry();
    geom.setAttribute('position', new THREE.BufferAttribute(body.decoded.template, 3));
    geom.setIndex(new THREE.BufferAttribute(body.decoded.faces, 1));
    geom.setAttribute('skinIndex', new THREE.BufferAttribute(body.decoded.skinIndex, 4));
    geom.setAttribute('skinWeight', new THREE.BufferAttribute(body.decoded.skinWeight, 4));
    geom.computeVertexNormals();
    // Bones: local offset rest_j - rest_parent, rotation q_j; the root sits at
    // rest_0 + transl + x_offset. Inverse bind matrices translate(-rest_j), bind matrix identity:
    // skin_j = world_j @ translate(-rest_j), exactly SMPL's linear blend skinning.
    const R = this.rest;
    this.bones = this.parents.map(() => new THREE.Bone());
    const inverses = [];
    this.parents.forEach((p, j) => {
      const b = this.bones[j];
      if (p >= 0) {
        b.position.set(R[3 * j] - R[3 * p], R[3 * j + 1] - R[3 * p + 1], R[3 * j + 2] - R[3 * p + 2]);
        this.bones[p].add(b);
      }
      inverses.push(new THREE.Matrix4().makeTranslation(-R[3 * j], -R[3 * j + 1], -R[3 * j + 2]));
    });
    // track.opacity < 1: a see-through body (a prediction overlaid on its ground truth)
    this.own = track.opacity != null && track.opacity < 1;
    this.mesh = new THREE.SkinnedMesh(geom, new Material(shading({
      color: new THREE.Color(track.color), side: THREE.DoubleSide,
      ...(this.own ? { transparent: true, opacity: track.opacity, depthWrite: false } : {}) })));
    this.mesh.frustumCulled = false;  // bones move it away from its rest bounds
    this.mesh.add(this.bones[0]);
    this.mesh.bind(new THREE.Skeleton(this.bones, inverses), new THREE.Matrix4());
    this.object = this.mesh;
    this._qa = new THREE.Quaternion(); this._qb = new THREE.Quaternion();
  }
  update(t) {
    const [f0, f1, a] = frameAt(t, this.fps, this.n);
    const Q = this.quats, T = this.transl, R = this.rest;
    for (let j = 0; j < this.J; j++) {
      this._qa.fromArray(Q, (f0 * this.J + j) * 4);
      this._qb.fromArray(Q, (f1 * this.J + j) * 4);
      this.bones[j].quaternion.slerpQuaternions(this._qa, this._qb, a);
    }
    const lerp = (k) => T[3 * f0 + k] * (1 - a) + T[3 * f1 + k] * a;
    this.bones[0].position.set(R[0] + lerp(0) + this.dx, R[1] + lerp(1), R[2] + lerp(2));
  }
  points() {
    this.mesh.updateMatrixWorld(true);
    return this.bones.map((b) => new THREE.Vector3().setFromMatrixPosition(b.matrixWorld));
  }
}

// ---- scene -----------------------------------------------------------------------------------
const view = document.getElementById('view');
const ui = {
  play: document.getElementById('play'), scrub: document.getElementById('scrub'),
  speed: document.getElementById('speed'), frame: document.getElementById('frame'),
  fit: document.getElementById('fit'), legend: document.getElementById('legend'),
  msg: document.getElementById('msg'), views: document.getElementById('views'),
};
let renderer = null;
try {
  renderer = new THREE.WebGLRenderer({ antialias: !SOFTWARE });
  document.body.dataset.webgl = SOFTWARE ? 'software' : 'ok';
} catch (err) {
  document.body.dataset.webgl = 'none';
  ui.msg.style.display = 'flex';
  ui.msg.textContent = `3D view unavailable: WebGL could not start (${err.message}).`;
}
const scene = new THREE.Scene();
scene.background = new THREE.Color(0xf3f4f6);
const camera = new THREE.PerspectiveCamera(40, 1, 0.05, 200);
camera.up.set(0, 0, 1);  // z up
camera.position.set(0, -5, 2);
const sky = new THREE.HemisphereLight(0xffffff, 0x8d8d8d, 1.6);
sky.position.set(0, 0, 1);  // sky above, ground below (z up)
scene.add(sky);
const sun = new THREE.DirectionalLight(0xffffff, 1.8);
sun.position.set(3, -4, 6);
scene.add(sun);
const grid = new THREE.GridHelper(10, 20, 0x9ca3af, 0xd1d5db);
grid.rotation.x = Math.PI / 2;  // GridHelper lies in xz; the floor is the xy plane (z = 0)
scene.add(grid);
let controls = null;
if (renderer) {
  view.prepend(renderer.domElement);
  controls = new OrbitControls(camera, renderer.domElement);
  controls.target.set(0, 0, 1);
  controls.enableDamping = true;
  controls.dampingFactor = 0.15;
  // The camera as text, for tests and debugging (it must survive reruns).
  controls.addEventListener('change', () => {
    dirty = true;
    document.body.dataset.camera = camera.position.toArray().map((v) => v.toFixed(3)).join(',');
  });
}

let dirty = true;  // the picture is out of date
// tracks: the ones built so far (a mesh is built the first time its view shows it);
// specs: every track of the payload with its seq; view: skeleton | mesh | both, or null when
// the payload has no view switch (then every track shows).
const state = { id: null, tracks: [], specs: [], view: null, fps: 30, nFrames: 1, duration: 0,
  time: 0, playing: true, speed: 1, framed: false };

function fitCamera() {
  // Frame the whole motion: joints at 12 times across the timeline, plus a margin for flesh.
  const box = new THREE.Box3();
  for (let k = 0; k <= 11; k++) {
    for (const tr of visibleTracks()) {
      tr.update((state.duration * k) / 11);
      for (const p of tr.points()) box.expandByPoint(p);
    }
  }
  updateTracks();  // back to the current time
  box.expandByScalar(0.12);
  if (box.isEmpty() || !controls) return;
  const c = box.getCenter(new THREE.Vector3()), size = box.getSize(new THREE.Vector3());
  const fit = Math.max(size.x / camera.aspect, size.z, 1.0) * 1.05;  // to fill the view
  const d = fit / (2 * Math.tan(THREE.MathUtils.degToRad(camera.fov / 2))) + size.y * 0.3;
  controls.target.copy(c);
  camera.position.set(c.x + 0.25 * d, c.y - d, c.z + 0.35 * d);
  controls.update();
}

// Which tracks a view shows: per sequence its skeleton, its mesh, or both; a sequence without
// the kind asked for shows what it has.
function shows(spec, view, kinds) {
  if (!view || view === 'both') return true;
  const has = kinds.get(spec.seq) || new Set();
  return spec.kind === view || !has.has(view);
}
function visibleTracks() { return state.tracks.filter((tr) => tr.object.visible); }

function decodedBody(b) {  // once per body, shared by its tracks
  if (!b.decoded) {
    b.decoded = { template: decode(b.template), faces: decode(b.faces),
      skinIndex: Uint16Array.from(decode(b.skin_index)), skinWeight: decode(b.skin_weight) };
  }
  return b;
}

function buildTrack(spec, bodies) {
  const tr = spec.kind === 'mesh' ? new MeshTrack(spec, decodedBody(bodies[spec.body]))
    : new SkeletonTrack(spec);
  tr.spec = spec;
  scene.add(tr.object);
  return tr;
}

// Show the tracks of `view`, building the ones not built yet (meshes on first use).
function applyView(view) {
  state.view = view;
  const kinds = new Map();
  for (const sp of state.specs) {
    if (!kinds.has(sp.seq)) kinds.set(sp.seq, new Set());
    kinds.get(sp.seq).add(sp.kind);
  }
  const built = new Map(state.tracks.map((tr) => [tr.spec, tr]));
  for (const sp of state.specs) {
    if (shows(sp, view, kinds) && !built.has(sp)) {
      const tr = buildTrack(sp, state.bodies);
      built.set(sp, tr); state.tracks.push(tr);
    }
  }
  // A mesh shown with a skeleton at the same place ("both") turns translucent so the bones show.
  const skeletonAt = new Set(state.specs.filter((sp) => sp.kind === 'skeleton'
    && shows(sp, view, kinds)).map((sp) => sp.x_offset));
  for (const tr of state.tracks) {
    tr.object.visible = shows(tr.spec, view, kinds);
    if (tr instanceof MeshTrack && !tr.own) {
      const see = tr.object.visible && skeletonAt.has(tr.dx);
      const m = tr.mesh.material;
      if (m.transparent !== see) {
        Object.assign(m, { transparent: see, opacity: see ? 0.45 : 1, depthWrite: !see });
        m.needsUpdate = true;
      }
    }
  }
  for (const b of ui.views.querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(b.dataset.view === view));
  }
  document.body.dataset.view = view || 'all';
  updateLegend();
  updateTracks();
}

function updateLegend() {
  // one entry per sequence (its colour is its mesh's and its skeleton's)
  const seen = new Map();
  for (const tr of visibleTracks()) {
    const key = tr.spec.seq ?? tr.spec;
    if (!seen.has(key)) seen.set(key, tr.spec);
  }
  ui.legend.replaceChildren(...[...seen.values()].map((t) => {
    const s = document.createElement('span');
    const i = document.createElement('i');
    i.style.background = t.color;
    s.append(i, t.label || t.kind);
    return s;
  }));
}

function disposeTracks(tracks) {
  for (const tr of tracks) {
    scene.remove(tr.object);
    tr.object.traverse((o) => { o.geometry?.dispose(); o.material?.dispose?.(); o.skeleton?.dispose(); });
  }
}

function loadPayload(p) {
  const t0 = performance.now();
  const old = state.tracks;
  state.bodies = p.bodies || [];  // decoded when a mesh is first shown (a skeleton view never)
  state.specs = p.tracks.map((t, i) => ({ ...t, seq: t.seq ?? i }));
  state.tracks = [];
  state.id = p.id; state.fps = p.fps; state.nFrames = p.n_frames; state.duration = p.duration;
  // A new sequence keeps the camera, the playback time (clamped) and the view the user chose.
  state.time = Math.min(state.time, p.duration);
  ui.scrub.max = String(Math.max(p.n_frames - 1, 0));
  state.meshSent = p.mesh_sent !== false;
  const switchable = Boolean(p.view) && (new Set(state.specs.map((t) => t.kind)).size > 1
    || (p.mesh_possible && !state.meshSent));
  ui.views.style.display = switchable ? 'inline-flex' : 'none';
  if (!p.view) state.userView = null;
  applyView(p.view ? (state.userView || p.view) : null);
  // The old tracks go after the new ones exist, so three.js keeps their compiled shaders.
  disposeTracks(old);
  const seqs = [];
  for (const t of state.specs) if (!seqs[t.seq]) seqs[t.seq] = { color: t.color, label: t.label };
  // The chart strip is drawn after the first frame of the new motion: the motion comes first.
  const id = p.id;
  requestAnimationFrame(() => setTimeout(() => {
    if (state.id !== id) return;
    chart.load(p.curves, seqs, p.duration);
    document.body.dataset.chartFor = id;  // which payload the chart shows (for benchmarks)
  }, 0));
  if (!state.framed) resize();  // frames the camera once the view has a size
  document.body.dataset.loadMs = (performance.now() - t0).toFixed(1);  // timing, for benchmarks
  state.timeFirstRender = true;
  document.body.dataset.payloadId = p.id;
}

function currentFrame() {
  return Math.min(Math.floor(state.time * state.fps + 1e-6), state.nFrames - 1);
}
function updateTracks() {
  dirty = true;
  for (const tr of state.tracks) if (tr.object.visible) tr.update(state.time);
  const f = currentFrame();
  ui.scrub.value = String(f);
  ui.frame.textContent = `${f + 1} / ${state.nFrames}  ${state.time.toFixed(2)} s`;
  document.body.dataset.frame = String(f);
  chart.draw(state.time);
  if (kp2d.active) kp2d.draw(f);
}
function setPlaying(on) {
  state.playing = on;
  kp2d.play(on);
  ui.play.innerHTML = on ? '&#10074;&#10074;' : '&#9654;';
  ui.play.setAttribute('aria-label', on ? 'pause' : 'play');
  document.body.dataset.playing = String(on);
}

ui.play.addEventListener('click', () => setPlaying(!state.playing));
ui.scrub.addEventListener('input', () => {
  state.time = Number(ui.scrub.value) / state.fps;
  kp2d.seek(state.time);
  updateTracks();
});
ui.speed.addEventListener('change', () => {
  state.speed = Number(ui.speed.value);
  kp2d.rate(state.speed);
});
ui.fit.addEventListener('click', fitCamera);
for (const b of ui.views.querySelectorAll('button')) {
  b.addEventListener('click', () => {  // in the browser only: no rerun, nothing re-sent
    state.userView = b.dataset.view;
    if (b.dataset.view !== 'skeleton' && !state.meshSent) {
      // the payload has no mesh (a skeleton view is sent light): ask the page for it once
      sendToStreamlit('streamlit:setComponentValue', { value: { view: b.dataset.view },
        dataType: 'json' });
      document.body.dataset.view = `${b.dataset.view}-requested`;
      return;
    }
    applyView(b.dataset.view);
  });
}
const chart = new AngleChart({
  box: document.getElementById('chart'), canvas: document.getElementById('curves'),
  group: document.getElementById('group'), note: document.getElementById('chartnote'),
  reps: document.getElementById('chartreps'), values: document.getElementById('chartvalues'),
}, decode, (t) => { state.time = t; kp2d.seek(t); updateTracks(); });
const kp2d = new KeypointView(view, decode);

// A 2D keypoint sequence (rendered camera, phone): the 2D view replaces the 3D scene.
function load2d(p) {
  disposeTracks(state.tracks);
  state.tracks = []; state.specs = [];
  if (renderer) renderer.domElement.style.display = 'none';
  state.id = p.id; state.fps = p.fps; state.nFrames = p.n_frames; state.duration = p.duration;
  state.time = Math.min(state.time, p.duration);
  ui.scrub.max = String(Math.max(p.n_frames - 1, 0));
  ui.views.style.display = 'none'; ui.fit.style.display = 'none';
  chart.load(null);
  kp2d.load(p);
  kp2d.rate(state.speed); kp2d.seek(state.time); kp2d.play(state.playing);
  const s = document.createElement('span');
  const i = document.createElement('i');
  i.style.background = p.color;
  s.append(i, `${p.label} · 2D keypoints (${p.layout}), faded below score ${p.score_min}`
    + (p.video ? ' · over the video' : ''));
  ui.legend.replaceChildren(s);
  updateTracks();
  document.body.dataset.mode = '2d';
  document.body.dataset.payloadId = p.id;
}
window.addEventListener('keydown', (e) => {
  if (e.code === 'Space' && e.target === document.body) { e.preventDefault(); setPlaying(!state.playing); }
});

function resize() {
  if (!renderer) return;
  const w = view.clientWidth, h = view.clientHeight;
  if (w === 0 || h === 0) return;
  renderer.setPixelRatio(SOFTWARE ? 1 : Math.min(window.devicePixelRatio || 1, 2));
  renderer.setSize(w, h, false);
  renderer.domElement.style.width = `${w}px`;
  renderer.domElement.style.height = `${h}px`;
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
  dirty = true;
  if (!state.framed && state.tracks.length) { state.framed = true; fitCamera(); }
}
new ResizeObserver(resize).observe(view);

// Draw on demand only (playing, camera moving, scrubbing, resizing), at most 1/MIN_FRAME_MS.
let last = performance.now(), lastDraw = -Infinity;
function tick(now) {
  requestAnimationFrame(tick);
  const dt = Math.min((now - last) / 1000, 0.1);  // a hidden tab does not jump ahead
  last = now;
  if (kp2d.active) {  // the 2D view: the video's clock when it has one, else ours
    if (state.playing) {
      const clock = kp2d.clock();
      state.time = clock ?? state.time + dt * state.speed;
      if (state.time > state.duration) state.time = 0;
      updateTracks();
    }
    return;
  }
  if (state.playing && state.tracks.length) {
    state.time += dt * state.speed;
    if (state.time > state.duration) state.time = 0;  // the shared timeline loops
    dirty = true;
  }
  if (!renderer || now - lastDraw < MIN_FRAME_MS) return;
  if (controls.update()) dirty = true;  // damping still moving the camera
  if (!dirty) return;
  if (state.playing) updateTracks();
  dirty = false; lastDraw = now;
  const t0 = performance.now();
  renderer.render(scene, camera);
  if (state.timeFirstRender) {  // includes compiling shaders for new materials
    state.timeFirstRender = false;
    document.body.dataset.firstRenderMs = (performance.now() - t0).toFixed(1);
  }
}
requestAnimationFrame(tick);

window.addEventListener('message', (ev) => {
  const msg = ev.data;
  if (!msg || msg.type !== 'streamlit:render') return;
  const args = msg.args || {};
  setFrameHeight(Number(args.height) || 480);
  const p = args.payload;
  if (!p || (!p.tracks && p.mode !== '2d')) return;
  if (p.id !== state.id) {  // same id on a rerun: keep everything (camera, time, play state)
    try {
      if (p.mode === '2d') load2d(p);
      else {
        if (kp2d.active) {
          kp2d.unload();
          if (renderer) renderer.domElement.style.display = 'block';
          ui.fit.style.display = '';
        }
        document.body.dataset.mode = '3d';
        loadPayload(p);
      }
    } catch (err) {
      ui.msg.style.display = 'flex';
      ui.msg.textContent = `Could not load the motion: ${err.message}`;
      throw err;
    }
    if ((state.tracks.length || kp2d.active) && args.autoplay === false) setPlaying(false);
  }
});
setPlaying(true);
sendToStreamlit('streamlit:componentReady', { apiVersion: 1 });
