// The questionnaire: count the descriptive words chosen as the person ticks them.
// The page works without it; the server checks the count in any case.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire-step");
  var group = document.getElementById("div_id_descriptive_words");
  if (!form || !group) {
    return;
  }
  var wanted = parseInt(form.dataset.wordCount, 10) || 5;
  var boxes = group.querySelectorAll('input[type="checkbox"]');
  var status = document.createElement("p");
  status.className = "small mt-1 mb-0";
  status.id = "descriptive-words-count";
  status.setAttribute("aria-live", "polite");
  group.appendChild(status);

  function update() {
    var chosen = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        chosen += 1;
      }
    });
    status.textContent = "You have chosen " + chosen + " of " + wanted + ".";
    status.classList.toggle("text-danger", chosen > wanted);
    status.classList.toggle("text-body-secondary", chosen <= wanted);
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", update);
  });
  update();
})();
