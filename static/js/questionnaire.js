// The questionnaire: count the descriptive words chosen as the person ticks them, and
// stop at the number wanted: a tick past it is undone, with the reason said. The page
// works without it; the server checks the count in any case.
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

  function chosen() {
    var count = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        count += 1;
      }
    });
    return count;
  }

  function update(refused) {
    var count = chosen();
    var text = "You have chosen " + count + " of " + wanted + ".";
    if (refused) {
      text = "You have already chosen " + wanted + ": untick one to choose another.";
    } else if (count > wanted) {
      text += " Untick " + (count - wanted) + " to keep " + wanted + ".";
    }
    status.textContent = text;
    status.classList.toggle("text-danger", count > wanted || refused);
    status.classList.toggle("text-body-secondary", count <= wanted && !refused);
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      var refused = box.checked && chosen() > wanted;
      if (refused) {
        box.checked = false;
      }
      update(refused);
    });
  });
  update(false);
})();
