// Field Relay live blog. Two small things, no framework:
// each update's time is also shown in the reader's own time zone, and a page served over
// http(s) reloads itself when its story changed (it polls the story's feed.json).
(function () {
  "use strict";
  var format;
  try {
    format = new Intl.DateTimeFormat(undefined, {
      month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit"
    });
  } catch (e) {
    return;
  }
  var times = document.querySelectorAll("section.update time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var when = new Date(times[i].getAttribute("datetime"));
    if (isNaN(when.getTime())) { continue; }
    var own = document.createElement("span");
    own.className = "yours";
    own.textContent = " · your time " + format.format(when);
    times[i].parentNode.appendChild(own);
  }
  var body = document.body;
  var version = body.getAttribute("data-version");
  var poll = body.getAttribute("data-poll");
  if (!version || !poll || !/^https?:$/.test(location.protocol) || !window.fetch) { return; }
  setInterval(function () {
    fetch(poll, { cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (feed) {
        if (feed && feed._fieldrelay && feed._fieldrelay.version !== version) {
          location.reload();
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }, 30000);
})();
