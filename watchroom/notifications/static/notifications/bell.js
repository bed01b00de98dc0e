// Polls GET /notifications/unread/ every 30 s and updates the bell's badge (#wr-bell).
// Sends "X-Watchroom-Poll: 1" so that polling does not count as activity for the idle timeout.
// Include from base.html: <script src="{% static 'notifications/bell.js' %}" data-url="{% url 'notifications:unread' %}" defer></script>
(function () {
  "use strict";
  var script = document.currentScript;
  var url = (script && script.dataset.url) || "/notifications/unread/";
  var bell = document.getElementById("wr-bell");
  if (!bell || !window.fetch) { return; }
  var timer = null;
  function render(n) {
    var badge = bell.querySelector("[data-testid=unread-count]");
    if (n > 0) {
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "position-absolute top-0 start-100 translate-middle badge rounded-pill bg-danger";
        badge.setAttribute("data-testid", "unread-count");
        bell.appendChild(badge);
      }
      badge.textContent = String(n);
    } else if (badge) {
      badge.remove();
    }
  }
  function poll() {
    fetch(url, { headers: { "X-Watchroom-Poll": "1", "Accept": "application/json" }, credentials: "same-origin",
                 redirect: "manual" })
      .then(function (r) {
        if (!r.ok) { throw new Error("status " + r.status); }
        return r.json();
      })
      .then(function (data) { render(Number(data.unread) || 0); })
      .catch(function () { clearInterval(timer); });  // signed out: stop polling; the next click shows the login page
  }
  timer = setInterval(poll, 30000);
})();
