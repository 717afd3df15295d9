"use strict";
// The draw-a-digit page: strokes on a canvas, the prediction while drawing (debounced, one request in flight),
// the top three of every model, the 28x28 image the network sees, clear and undo, an image file picked or dropped.
const TEXT = {
  en: { title: "Draw a digit", draw: "Draw", testset: "Test set", undo: "Undo", clear: "Clear", pick: "Pick an image",
        hint: "Draw with the mouse, a finger or a pen, or drop an image here.", seen: "what the network sees (28×28)",
        grid: "Test digits", errors: "Mistakes", curve: "Accuracy during training", empty: "Draw a digit to see what the network reads.",
        failed: "The server did not answer: ", pad: "drawing area", model: "model", accuracy: "test accuracy" },
  zh: { title: "写一个数字", draw: "手写", testset: "测试集", undo: "撤销", clear: "清除", pick: "选择图片",
        hint: "用鼠标、手指或笔书写，或把图片拖到这里。", seen: "网络看到的图像（28×28）",
        grid: "测试数字", errors: "识别错误", curve: "训练中的准确率", empty: "写一个数字，看看网络认出的是什么。",
        failed: "服务器没有响应：", pad: "书写区域", model: "模型", accuracy: "测试准确率" },
};
const lang = document.documentElement.lang === "zh" ? "zh" : "en";
const t = TEXT[lang];
for (const el of document.querySelectorAll("[data-text]")) el.textContent = t[el.dataset.text];
for (const el of document.querySelectorAll("[data-label]")) el.setAttribute("aria-label", t[el.dataset.label]);

const pad = document.getElementById("pad");
const ctx = pad.getContext("2d");
const seen = document.getElementById("seen").getContext("2d");
const results = document.getElementById("results");
const status = document.getElementById("status");
const strokes = [];
let current = null;

function redraw() {
  ctx.fillStyle = "black";
  ctx.fillRect(0, 0, pad.width, pad.height);
  ctx.strokeStyle = "white";
  ctx.lineWidth = 20;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  for (const stroke of strokes) {
    ctx.beginPath();
    stroke.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    if (stroke.length === 1) ctx.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
    ctx.stroke();
  }
}

function point(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
}

pad.addEventListener("pointerdown", (e) => { pad.setPointerCapture(e.pointerId); current = [point(e)]; strokes.push(current); redraw(); schedule(); });
pad.addEventListener("pointermove", (e) => { if (!current) return; current.push(point(e)); redraw(); schedule(); });
const end = () => { if (current) { current = null; schedule(0); } };
pad.addEventListener("pointerup", end);
pad.addEventListener("pointercancel", end);

function clear() { strokes.length = 0; redraw(); showEmpty(); }
function undo() { strokes.pop(); redraw(); strokes.length ? schedule(0) : showEmpty(); }
document.getElementById("clear").addEventListener("click", clear);
document.getElementById("undo").addEventListener("click", undo);
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" || (e.key === "Delete" && document.activeElement === pad)) { e.preventDefault(); clear(); }
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.preventDefault(); undo(); }
});

// debounced; never more than one request in flight: a change meanwhile is sent when the answer comes
let timer = 0, inFlight = false, again = false;
function schedule(delay = 150) {
  clearTimeout(timer);
  timer = setTimeout(() => (inFlight ? (again = true) : send()), delay);
}
function send(blob) {
  inFlight = true;
  const body = blob ? Promise.resolve(blob) : new Promise((resolve) => pad.toBlob(resolve, "image/png"));
  body.then((b) => fetch("/api/predict", { method: "POST", headers: { "Content-Type": b.type || "image/png" }, body: b }))
    .then(async (r) => { const json = await r.json(); if (!r.ok) throw new Error(json.error || r.status); show(json); })
    .catch((err) => { status.textContent = t.failed + err.message; })
    .finally(() => { inFlight = false; if (again) { again = false; send(); } });
}

function show(answer) {
  status.textContent = "";
  const image = seen.createImageData(28, 28);
  answer.pixels.forEach((p, i) => { const v = Math.round(p * 255); image.data.set([v, v, v, 255], 4 * i); });
  seen.putImageData(image, 0, 0);
  results.replaceChildren(...answer.models.map((m) => {
    const card = document.createElement("div");
    card.className = "model";
    const info = models.find((x) => x.name === m.model);
    const title = document.createElement("h3");
    title.textContent = `${t.model} ${m.model}` + (info && info.accuracy != null ? ` · ${t.accuracy} ${(info.accuracy * 100).toFixed(2)}%` : "");
    const digit = document.createElement("div");
    digit.className = "digit";
    digit.dataset.testid = "digit";
    digit.textContent = m.digit;
    card.append(title, digit);
    for (const top of m.top) {
      const bar = document.createElement("div");
      bar.className = "bar";
      const label = document.createElement("span");
      label.textContent = top.digit;
      const track = document.createElement("span");
      const fill = document.createElement("span");
      fill.className = "fill";
      fill.style.width = `${(top.probability * 100).toFixed(1)}%`;
      track.append(fill);
      const value = document.createElement("span");
      value.textContent = `${(top.probability * 100).toFixed(2)}%`;
      bar.append(label, track, value);
      card.append(bar);
    }
    return card;
  }));
}

function showEmpty() {
  seen.fillStyle = "black";
  seen.fillRect(0, 0, 28, 28);
  const p = document.createElement("p");
  p.textContent = t.empty;
  p.dataset.testid = "empty";
  results.replaceChildren(p);
}

// an image file, picked or dropped, goes through the same preprocessing as `mnist predict`
document.getElementById("file").addEventListener("change", (e) => { if (e.target.files[0]) send(e.target.files[0]); });
for (const name of ["dragover", "drop"]) document.addEventListener(name, (e) => e.preventDefault());
document.addEventListener("drop", (e) => { const f = e.dataTransfer.files[0]; if (f) send(f); });

// the second view: the test-set grid, its mistakes, the accuracy curve of the run
const tabs = { draw: document.getElementById("tab-draw"), test: document.getElementById("tab-test") };
function view(name) {
  for (const [key, tab] of Object.entries(tabs)) {
    tab.setAttribute("aria-selected", String(key === name));
    document.getElementById(`view-${key}`).hidden = key !== name;
  }
  if (name === "test" && !document.getElementById("grid").src) {
    document.getElementById("grid").src = `/api/grid.png?lang=${lang}`;
    document.getElementById("errors").src = `/api/grid.png?errors=1&lang=${lang}`;
    document.getElementById("curve").src = "/api/accuracy.png";
  }
}
tabs.draw.addEventListener("click", () => view("draw"));
tabs.test.addEventListener("click", () => view("test"));

let models = [];
fetch("/api/models").then((r) => r.json()).then((m) => { models = m; });
redraw();
showEmpty();
