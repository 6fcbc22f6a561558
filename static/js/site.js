// Progressive enhancement only: every link and form works without this file.
(function () {
  "use strict";
  var toTop = document.querySelector(".to-top");
  if (!toTop || !("IntersectionObserver" in window)) return;
  var floating = toTop.cloneNode(true);
  floating.classList.add("floating");
  floating.hidden = true;
  document.body.appendChild(floating);
  var marker = document.querySelector(".site-header");
  new IntersectionObserver(function (entries) {
    floating.hidden = entries[0].isIntersecting;
  }).observe(marker);
})();
