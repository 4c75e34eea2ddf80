// The dashboard's one script and one stylesheet, served as static routes (the Content-Security-
// Policy allows no inline script or style). The script keeps the clocks counting and, on each
// live event the server sends, fetches the page's live fragment again and swaps it in.

export const SCRIPT = `"use strict";
(function () {
  var body = document.body;
  var fmt = function (ms) {
    var t = Math.floor(Math.abs(ms) / 1000), d = Math.floor(t / 86400), h = Math.floor((t % 86400) / 3600), m = Math.floor((t % 3600) / 60);
    if (d > 0) return d + "d " + h + "h";
    if (h > 0) return h + "h " + (m < 10 ? "0" : "") + m + "m";
    if (m > 0) return m + "m";
    return (t % 60) + "s";
  };
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-deadline]").forEach(function (el) {
      if (el.getAttribute("data-done")) return;
      var start = Date.parse(el.getAttribute("data-start")), end = Date.parse(el.getAttribute("data-deadline"));
      var left = end - now, tone = left < 0 ? "red" : left <= Math.max(end - start, 1) / 4 ? "amber" : "ok";
      el.textContent = left < 0 ? "overdue by " + fmt(left) : fmt(left) + " left";
      el.className = "clock clock-" + tone;
    });
  }
  setInterval(tick, 1000);
  var url = body.getAttribute("data-live");
  if (!url || !window.EventSource) return;
  var region = document.getElementById("live-region");
  var status = document.getElementById("live-status");
  var only = body.getAttribute("data-incident");
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + location.search.slice(1), { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (r) { if (r.status === 401) { location.reload(); return null; } return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && region) { region.innerHTML = html; tick(); } })
      .catch(function () {})
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  var es = new EventSource("/ui/events");
  es.addEventListener("open", function () { if (status) status.textContent = "Live"; });
  es.addEventListener("error", function () { if (status) status.textContent = "Reconnecting…"; });
  es.addEventListener("timeline", function (ev) {
    try { var d = JSON.parse(ev.data); if (only && d.incidentId !== only) return; } catch (e) { return; }
    refresh();
  });
})();
`;

export const STYLE = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2933;background:#f5f7fa}
a{color:#1c4fb8}
a:focus,button:focus,select:focus,input:focus,textarea:focus{outline:3px solid #f0a330;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:8px 16px;background:#1f2933;color:#fff}
.top a{color:#fff}.brand{font-weight:700;text-decoration:none}
.top nav{display:flex;gap:12px}
.who{margin-left:auto;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
main{padding:12px 16px;max-width:1200px;margin:0 auto}
h1{font-size:1.4rem;margin:.4em 0;overflow-wrap:anywhere}h2{font-size:1.15rem;margin:1em 0 .4em}
code{font-size:.85em;background:#e4e7eb;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}
.muted{color:#52606d}
button{font:inherit;padding:6px 14px;border:1px solid #1c4fb8;background:#1c4fb8;color:#fff;border-radius:4px;cursor:pointer}
.top button{background:transparent;border-color:#fff}
input,select,textarea{font:inherit;padding:5px;border:1px solid #7b8794;border-radius:4px;max-width:100%}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end;margin:8px 0}
.filters label{display:flex;flex-direction:column;font-size:.9rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7eb;vertical-align:top}
.scroll{overflow-x:auto}
.level{display:inline-block;min-width:2.4em;text-align:center;font-weight:700;border-radius:3px;padding:0 4px;color:#fff}
.level-P0{background:#b42318}.level-P1{background:#b54708}.level-P2{background:#1c4fb8}.level-P3{background:#52606d}
.state{display:inline-block;padding:0 6px;border-radius:10px;background:#e4e7eb;font-size:.9em;white-space:nowrap}
.state-rolled-back{background:#fde2e1}.state-verified,.state-resolved{background:#d8f1e0}
.clock{font-variant-numeric:tabular-nums;white-space:nowrap}
.clock-amber{color:#8a4b00;font-weight:700}.clock-red{color:#b42318;font-weight:700}.clock-done{color:#52606d}
.result-missed,.result-overdue{color:#b42318;font-weight:700}.result-met{color:#1e6b3a}
.alert{border-radius:4px;padding:4px 12px;margin:8px 0}.alert p{margin:.4em 0}
.alert-error{background:#fde2e1;border:1px solid #b42318}.alert-ok{background:#d8f1e0;border:1px solid #1e6b3a}
.head{background:#fff;padding:4px 12px;border-radius:4px}
.checklist,.timeline{padding-left:1.2em;margin:0}
.checklist li,.timeline li{margin:4px 0;overflow-wrap:anywhere}
.mark{display:inline-block;min-width:5.5em;font-size:.85em;font-weight:600}
.item-done .mark{color:#1e6b3a}.item-waived .mark{color:#8a4b00}.item-next .mark,.item-next .label{color:#1c4fb8;font-weight:700}.item-todo .mark{color:#52606d}
.evidence{color:#52606d;font-size:.9em}
.actor{font-weight:600}.tag{background:#fff3c4;border-radius:3px;padding:0 4px;font-size:.85em}
.chart{margin:8px 0;background:#fff;padding:4px;border-radius:4px}.chart svg{width:100%;height:auto;max-width:640px;display:block}
.actions{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(260px,1fr))}
.actions h2{grid-column:1/-1}
.action{display:flex;flex-direction:column;gap:6px;background:#fff;padding:10px;border-radius:4px;border:1px solid #e4e7eb}
.action-danger{border-color:#b42318}.action-danger button{background:#b42318;border-color:#b42318}
.action button{align-self:flex-start}
.live-status{position:fixed;right:8px;bottom:4px;margin:0;font-size:.8rem;color:#52606d}
@media (max-width:700px){
  table.incidents thead,table.log thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  table.incidents,table.incidents tbody,table.incidents tr,table.incidents td,table.log,table.log tbody,table.log tr,table.log td{display:block;width:100%}
  table.incidents tr,table.log tr{border-bottom:2px solid #cbd2d9;padding:4px 0}
  table.incidents td,table.log td{border:0;padding:2px 8px}
  table.incidents td::before,table.log td::before{content:attr(data-label) ": ";font-weight:600;color:#52606d}
}
`;
