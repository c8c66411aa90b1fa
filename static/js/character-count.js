// Every long text field says its limit and counts towards it, rather than the browser
// silently refusing what goes past its maxlength. The server checks the limit in any
// case; the page works without this script.
(function () {
  "use strict";
  // Short fields (a title, a phone number) need no counter; a job title of 200 does.
  var SHORTEST = 200;
  var fields = document.querySelectorAll(
    'textarea[maxlength], input[type="text"][maxlength]'
  );

  function number(value) {
    return value.toLocaleString("en-GB");
  }

  fields.forEach(function (field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!limit || (field.tagName === "INPUT" && limit < SHORTEST)) {
      return;
    }
    // A search or filter box (a form that gets) is not an answer to write.
    if (field.form && field.form.method.toLowerCase() === "get") {
      return;
    }
    var counter = document.createElement("p");
    counter.className = "form-text character-count mb-0";
    counter.id = (field.id || field.name) + "-character-count";
    // Read with the field, and announced only when the limit is reached: a count
    // spoken at every keystroke would drown what is typed.
    var alert = document.createElement("span");
    alert.className = "visually-hidden";
    alert.setAttribute("aria-live", "polite");
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    field.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", alert);

    function update() {
      var used = field.value.length;
      var full = used >= limit;
      counter.textContent =
        number(used) + " of " + number(limit) + " characters" + (full ? ": the limit" : "");
      counter.classList.toggle("at-limit", full);
      alert.textContent = full ? "You have reached the limit of " + number(limit) + " characters." : "";
    }

    field.addEventListener("input", update);
    update();
  });
})();
