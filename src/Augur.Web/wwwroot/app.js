// Augur's page: builds a scenario from the catalog, sends it to the API and shows the tables and the chart.
// Everything the server sends is put in as text or as an image, never as markup.
"use strict";

const $ = (id) => document.getElementById(id);
let accelerators = [];
let pastedModel = null;

async function loadCatalog() {
  const r = await fetch("/api/catalog");
  const c = await r.json();
  accelerators = c.accelerators.filter((a) => a.default_system);
  fill($("model"), c.models.map((m) => [m.id, `${m.id} (${Number(m.total_params_b.toPrecision(3))} B)`]), "llama3.1-70b");
  fill($("hardware"), accelerators.map((a) => [a.id, `${a.id}: ${a.name}`]), "h100-sxm");
  writeScenario();
}

function fill(select, entries, preferred) {
  for (const [value, text] of entries) select.add(new Option(text, value, false, value === preferred));
}

function writeScenario() {
  const job = $("job").value;
  const hw = accelerators.find((a) => a.id === $("hardware").value);
  const fp8 = hw && hw.dense_peak_tflops && hw.dense_peak_tflops.fp8 !== undefined;
  // A pasted config.json goes in inline as a YAML flow mapping (JSON is one), indented under model:.
  const model = pastedModel ? "\n" + JSON.stringify(pastedModel, null, 1).split("\n").map((l) => "  " + l).join("\n") : $("model").value;
  const gpus = Math.max(1, parseInt($("gpus").value, 10) || 1);
  const lines = [
    `workload: ${job}`,
    `model: ${model}`,
    `hardware: ${$("hardware").value}`,
    `cluster: {gpus: ${gpus}}`,
  ];
  if (job === "training") {
    lines.push("precision: bf16", "training: {seq_len: 8192, global_batch: 1024}");
  } else {
    const p = fp8 ? "fp8" : "bf16";
    lines.push(`precision: ${p}`, `inference: {input_tokens: 2000, output_tokens: 400, kv_precision: ${p}, tpot_ms: 50}`,
      "simulation: {requests: 1000, arrival: poisson, seed: 1}");
  }
  $("scenario").value = lines.join("\n") + "\n";
}

function useConfig() {
  try {
    pastedModel = JSON.parse($("config").value);
    setStatus("Using the pasted config.json as the model.", false);
  } catch (e) {
    pastedModel = null;
    setStatus(`The pasted config.json is not JSON: ${e.message}`, true);
    return;
  }
  writeScenario();
}

function setStatus(text, error) {
  const s = $("status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

async function run(command) {
  setStatus(`Running ${command}...`, false);
  document.querySelectorAll("button").forEach((b) => (b.disabled = true));
  try {
    const r = await fetch(`/api/${command}/view`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: $("scenario").value });
    if (!r.ok) {
      clearResult();
      setStatus((await r.text()).trim(), true);
      return;
    }
    show(await r.json());
    setStatus(`${command} done.`, false);
  } catch (e) {
    setStatus(`augur: the server did not answer (${e.message}); is augur serve still running?`, true);
  } finally {
    document.querySelectorAll("button").forEach((b) => (b.disabled = false));
  }
}

function clearResult() {
  $("items").replaceChildren();
  showCharts([]);
  $("json-box").hidden = true;
}

function show(view) {
  const items = view.items.map((item) => (item.table ? table(item.table) : paragraph(item.text)));
  $("items").replaceChildren(...items);
  showCharts(view.charts);
  $("json").textContent = JSON.stringify(view.json, null, 2);
  $("json-box").hidden = false;
}

// Each picture as an image of its SVG (an image runs no script the SVG might carry).
function showCharts(charts) {
  for (const old of $("charts").querySelectorAll("img")) URL.revokeObjectURL(old.src);
  $("charts").replaceChildren(...charts.map((c) => {
    const img = document.createElement("img");
    img.alt = c.name ? `chart: ${c.name}` : "chart of the result";
    img.src = URL.createObjectURL(new Blob([c.svg], { type: "image/svg+xml" }));
    return img;
  }));
}

function table(rows) {
  const t = document.createElement("table");
  rows.forEach((row, i) => {
    const tr = t.insertRow();
    for (const cell of row) {
      const c = document.createElement(i === 0 ? "th" : "td");
      c.textContent = cell;
      tr.appendChild(c);
    }
  });
  return t;
}

function paragraph(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

$("write").addEventListener("click", () => { pastedModel = null; writeScenario(); });
$("use-config").addEventListener("click", useConfig);
$("job").addEventListener("change", () => { $("gpus").value = $("job").value === "training" ? 256 : 8; writeScenario(); });
for (const id of ["model", "hardware", "gpus"]) $(id).addEventListener("change", () => { if (id === "model") pastedModel = null; writeScenario(); });
for (const c of ["estimate", "plan", "simulate"]) $(`run-${c}`).addEventListener("click", () => run(c));
loadCatalog().catch((e) => setStatus(`augur: could not read the catalog (${e.message})`, true));
