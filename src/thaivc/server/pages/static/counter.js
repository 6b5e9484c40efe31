// The counter pages' only script: follow a request or an offer without reloading, count down, and
// keep nothing personal in the browser (no storage; the result is dropped on start-over or leaving).
"use strict";
(function () {
  function text(el, th, en) {
    el.textContent = th + " ";
    var span = document.createElement("span");
    span.lang = "en";
    span.textContent = en;
    el.appendChild(span);
  }
  var STATES = {
    pending: ["รอการตอบจากกระเป๋าเงิน…", "Waiting for the wallet…"],
    waiting: ["รอการสแกน…", "Waiting for the scan…"],
    scanned: ["สแกนแล้ว กำลังออกเอกสาร…", "Scanned: issuing…"],
    code_wrong: ["รหัสยืนยันไม่ถูกต้อง ให้ลองใหม่", "Wrong transaction code: ask the citizen to try again"],
    unavailable: ["ระบบทะเบียนไม่ตอบสนองชั่วคราว ยังไม่ได้ออกเอกสาร ให้ลองใหม่จากกระเป๋าเงินอีกครั้ง",
                  "Temporarily unavailable: the registry did not answer, nothing was issued; try again from the wallet"],
    issued: ["ออกเอกสารแล้ว", "Issued"],
    failed: ["ออกเอกสารไม่สำเร็จ", "Issuance failed"],
    expired: ["หมดเวลา", "Timed out"],
    gone: ["คำขอนี้สิ้นสุดแล้ว", "This request has ended"]
  };

  function clearPersonal(panel) {
    var result = panel.querySelector("#result");
    if (result) { result.textContent = ""; }
  }

  function follow(panel) {
    var kind = panel.getAttribute("data-poll");
    var stateUrl = panel.getAttribute("data-state-url");
    var resultUrl = panel.getAttribute("data-result-url");
    var left = parseInt(panel.getAttribute("data-seconds"), 10) || 0;
    var status = panel.querySelector("#status");
    var countdown = panel.querySelector("#countdown");
    var waiting = panel.querySelector("#waiting");
    var finished = false;
    var timer = null;

    function finish() {
      finished = true;
      if (timer) { clearInterval(timer); }
      if (waiting) { waiting.remove(); waiting = null; }  // the QR and the code are of no further use
    }
    function show(state) {
      var words = STATES[state] || STATES.gone;
      text(status, words[0], words[1]);
      status.setAttribute("data-state", state);
    }
    function showResult() {
      fetch(resultUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
        return r.ok ? r.text() : "";
      }).then(function (html) {
        if (!html) { return; }
        var holder = panel.querySelector("#result");
        holder.innerHTML = html;  // server-rendered, escaped by the template engine
        status.textContent = "";
        var heading = holder.querySelector("#verdict-word");
        if (heading) { heading.focus(); }
      });
    }
    function timeout() {
      finish();
      show("expired");
      if (kind === "verify") {
        showResult();
      }
    }
    function poll() {
      if (finished) { return; }
      fetch(stateUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
        return r.json();
      }).then(function (body) {
        if (finished) { return; }
        var state = body.state;
        if (typeof body.remaining === "number") { left = body.remaining; }
        if (kind === "verify") {
          if (state === "done") { finish(); showResult(); return; }
          if (state === "expired") { timeout(); return; }
          if (state === "gone") { finish(); show("gone"); return; }
        } else {
          if (state === "issued" || state === "failed" || state === "gone") { finish(); show(state); return; }
          if (state === "expired") { finish(); show("expired"); return; }
        }
        if (status.getAttribute("data-state") !== state) { show(state); }
      }).catch(function () { /* the next tick tries again */ });
    }
    timer = setInterval(function () {
      left = Math.max(0, left - 1);
      if (countdown) { countdown.textContent = String(left); }
      poll();
    }, 1000);
    window.addEventListener("pagehide", function () { finish(); clearPersonal(panel); });
  }

  function fillButtons() {
    var buttons = document.querySelectorAll("button.fill[data-card]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener("click", function () {
        var card = JSON.parse(button.getAttribute("data-card"));
        Object.keys(card).forEach(function (name) {
          var input = document.getElementById(name);
          if (input) { input.value = card[name]; }
        });
        var first = document.getElementById("citizen_id");
        if (first) { first.focus(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector("[data-poll]");
    if (panel) { follow(panel); }
    fillButtons();
  });
}());
