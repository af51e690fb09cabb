// The nocrx page: read the form, POST /v1/check, show the answer. No build step, no libraries.
// Everything from the server is written with textContent, never innerHTML.
"use strict";

const NDC_SHAPE = /^(N4)?\s*[0-9][0-9\- ]{8,12}[0-9]$/i;

function $(id) { return document.getElementById(id); }

function splitCodes(text) {
  return text.split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
}

function numberOrNull(text) {
  const value = text.trim();
  return value === "" ? null : Number(value);
}

function buildLine() {
  const drugText = $("drug").value.trim();
  const drug = {};
  if (NDC_SHAPE.test(drugText)) drug.ndc = drugText; else if (drugText) drug.name = drugText;
  const dose = numberOrNull($("dose").value);
  if (dose !== null) drug.dose = { value: dose, unit: $("dose-unit").value };
  const quantity = numberOrNull($("quantity").value);
  if (quantity !== null) drug.quantity = { value: quantity, unit: $("quantity-unit").value };
  if ($("route").value) drug.route = $("route").value;
  const line = {
    date_of_service: $("date").value,
    payer: $("payer").value,
    setting: $("setting").value,
    diagnoses: splitCodes($("diagnoses").value),
    modifiers: splitCodes($("modifiers").value),
    drug: drug,
  };
  const hcpcs = $("hcpcs").value.trim();
  if (hcpcs) line.hcpcs = hcpcs;
  return line;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    const area = element("textarea", text);
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = "Copy"; }, 1500);
}

function copyBlock(title, text, id) {
  const block = $("copy-block").content.firstElementChild.cloneNode(true);
  block.querySelector("h3").textContent = title;
  const code = block.querySelector("code");
  code.textContent = text;
  code.id = id;
  const button = block.querySelector("button");
  button.setAttribute("aria-label", "Copy " + title);
  button.addEventListener("click", () => copyText(text, button));
  return block;
}

function summary(answer) {
  const list = element("dl", null, "summary");
  const rows = [
    ["Code", answer.code || "not decided", "out-code"],
    ["Units", answer.units === null ? "-" : answer.units, "out-units"],
    ["Modifiers", (answer.modifiers || []).join(" ") || "none", "out-modifiers"],
    ["NDC (11 digits)", answer.ndc_11 || "-", "out-ndc"],
    ["Payer profile", answer.payer, "out-payer"],
  ];
  for (const [label, value, id] of rows) {
    list.appendChild(element("dt", label));
    const dd = element("dd", value);
    dd.id = id;
    list.appendChild(dd);
  }
  return list;
}

function findingsList(findings) {
  const section = element("section", null, "findings");
  section.appendChild(element("h3", findings.length ? "To fix before billing" : "No problems found"));
  const list = element("ul");
  list.id = "findings";
  for (const finding of findings) {
    const item = element("li", null, "finding " + finding.severity);
    const head = element("p");
    head.appendChild(element("strong", finding.severity.toUpperCase() + " " + finding.code));
    head.appendChild(document.createTextNode(" " + finding.message));
    item.appendChild(head);
    item.appendChild(element("p", "Fix: " + finding.fix, "fix"));
    item.appendChild(element("p", "Source: " + finding.source, "source"));
    list.appendChild(item);
  }
  section.appendChild(list);
  return section;
}

function showAnswer(answer) {
  const result = $("result");
  result.replaceChildren();
  const labels = { ok: "OK", warnings: "Check the warnings", errors: "Will be denied as it stands", review: "Needs a person to decide" };
  const status = element("p", labels[answer.status] || answer.status, "status " + answer.status);
  status.id = "out-status";
  result.appendChild(element("h2", "Result"));
  result.appendChild(status);
  result.appendChild(summary(answer));
  if (answer.narrative) result.appendChild(copyBlock("Narrative to paste (SV101-7 / item 19)", answer.narrative, "out-narrative"));
  const renderings = answer.renderings || {};
  if (renderings.x12_837p) result.appendChild(copyBlock("837P loop 2400/2410", renderings.x12_837p, "out-837p"));
  if (renderings.x12_837i) result.appendChild(copyBlock("837I loop 2400/2410", renderings.x12_837i, "out-837i"));
  if (renderings.cms1500) {
    const shaded = renderings.cms1500.item_24.map((row) => row.shaded).filter(Boolean).join("\n");
    if (shaded) result.appendChild(copyBlock("CMS-1500 item 24A shaded line", shaded, "out-cms1500"));
    if (renderings.cms1500.item_19) result.appendChild(copyBlock("CMS-1500 item 19", renderings.cms1500.item_19, "out-item19"));
  }
  if (renderings.error) result.appendChild(element("p", "Could not draw the claim: " + renderings.error.detail, "error"));
  result.appendChild(findingsList(answer.findings || []));
  if (answer.trace && answer.trace.length) {
    const details = element("details");
    details.appendChild(element("summary", "How the code was decided"));
    const steps = element("ol");
    for (const step of answer.trace) steps.appendChild(element("li", step.step + ": " + step.result + " (" + step.reason + ")"));
    details.appendChild(steps);
    result.appendChild(details);
  }
}

function showProblem(problem) {
  const result = $("result");
  result.replaceChildren();
  const box = element("div", null, "problem");
  box.setAttribute("role", "alert");
  box.id = "problem";
  box.appendChild(element("h2", "Could not check the line"));
  box.appendChild(element("p", problem.detail || problem.title || "The server refused the request."));
  if (problem.code) box.appendChild(element("p", "Code: " + problem.code + (problem.field ? " (field " + problem.field + ")" : ""), "muted"));
  result.appendChild(box);
  if (problem.status === 401) { $("key-field").hidden = false; $("api-key").focus(); }
}

async function submitLine(event) {
  event.preventDefault();
  const result = $("result");
  const button = $("submit");
  result.setAttribute("aria-busy", "true");
  button.disabled = true;
  const headers = { "Content-Type": "application/json", "Accept": "application/json" };
  const key = $("api-key").value.trim();
  if (key) headers["X-API-Key"] = key;
  try {
    const response = await fetch("/v1/check", { method: "POST", headers: headers, body: JSON.stringify(buildLine()) });
    const body = await response.json();
    if (response.ok) showAnswer(body); else showProblem(body);
  } catch (error) {
    showProblem({ detail: "The server could not be reached." });
  } finally {
    result.setAttribute("aria-busy", "false");
    button.disabled = false;
    result.focus();
  }
}

async function loadPayers() {
  const headers = {};
  const key = $("api-key").value.trim();
  if (key) headers["X-API-Key"] = key;
  const response = await fetch("/v1/payers", { headers: headers });
  if (!response.ok) return;
  const payers = (await response.json()).payers || [];
  if (!payers.length) return;
  const select = $("payer");
  select.replaceChildren();
  for (const payer of payers) {
    const option = element("option", payer.id + (payer.name ? " (" + payer.name + ")" : ""));
    option.value = payer.id;
    if (payer.id === "medicare") option.selected = true;
    select.appendChild(option);
  }
}

async function start() {
  $("date").value = new Date().toISOString().slice(0, 10);
  $("check-form").addEventListener("submit", submitLine);
  $("api-key").addEventListener("change", loadPayers);
  try {
    const health = await (await fetch("/healthz")).json();
    $("key-field").hidden = !health.api_keys_required;
    if (!health.api_keys_required) await loadPayers();
  } catch (error) {
    $("key-field").hidden = false;
  }
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);
