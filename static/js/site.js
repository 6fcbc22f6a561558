// Progressive enhancement only: every link and form works without this file.
(function () {
  "use strict";
  var toTop = document.querySelector(".to-top");
  if (!toTop || !("IntersectionObserver" in window)) return;
  var floating = toTop.cloneNode(true);
  floating.classList.add("floating");
  floating.hidden = true;
  // Inside the footer: all content belongs to a landmark, even a fixed button.
  toTop.closest("footer").appendChild(floating);
  var marker = document.querySelector(".site-header");
  new IntersectionObserver(function (entries) {
    floating.hidden = entries[0].isIntersecting;
  }).observe(marker);
})();
