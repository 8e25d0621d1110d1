/* The original file as read: #L<line>.<column>.<length> scrolls to the line and marks the
   reading (columns count code points, as the notes do). Text is only ever moved with
   textContent. */
(function () {
  "use strict";
  function mark() {
    var old = document.querySelector("mark.at");
    if (old) { old.replaceWith(document.createTextNode(old.textContent)); }
    var m = /^#L(\d+)(?:\.(\d+)(?:\.(\d+))?)?$/.exec(location.hash);
    if (!m) { return; }
    var li = document.getElementById("L" + m[1]);
    if (!li) { return; }
    li.scrollIntoView({ block: "center" });
    var tx = li.querySelector(".tx");
    var chars = Array.from(tx.textContent);
    var col = Math.max(1, +(m[2] || 1)) - 1;
    var len = Math.max(1, +(m[3] || 1));
    if (col >= chars.length) { return; }
    tx.textContent = "";
    tx.appendChild(document.createTextNode(chars.slice(0, col).join("")));
    var mk = document.createElement("mark");
    mk.className = "at";
    mk.textContent = chars.slice(col, col + len).join("");
    tx.appendChild(mk);
    tx.appendChild(document.createTextNode(chars.slice(col + len).join("")));
  }
  window.addEventListener("hashchange", mark);
  mark();
}());
