/* Art 17 (one data, one source): while the information items of the publish form are typed,
 * ask duplicate_check (a read-only action) which entries of other departments already hold
 * most of them, and show the warning under the items. The server records the warning when
 * the entry is saved; this is only the early notice. */
(function () {
  "use strict";
  var box = document.getElementById("liuzhou-duplicate-check");
  if (!box) { return; }
  var form = box.closest("form");
  if (!form) { return; }
  var timer = null;

  function names() {
    var out = [];
    form.querySelectorAll("input[name^='information_items-'][name$='-name']").forEach(function (el) {
      if (el.value.trim()) { out.push(el.value.trim()); }
    });
    return out;
  }

  function render(matches) {
    box.querySelectorAll(".liuzhou-duplicate-warnings").forEach(function (el) { el.remove(); });
    if (!matches.length) { return; }
    var alert = document.createElement("div");
    alert.className = "alert alert-warning liuzhou-duplicate-warnings";
    alert.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.className = "mb-1";
    var strong = document.createElement("strong");
    strong.textContent = box.dataset.title;
    p.appendChild(strong);
    p.appendChild(document.createTextNode("：" + box.dataset.lead));
    alert.appendChild(p);
    var ul = document.createElement("ul");
    ul.className = "mb-0";
    matches.forEach(function (m) {
      var li = document.createElement("li");
      li.dataset.package = m.name;
      var a = document.createElement("a");
      a.href = m.url;
      a.target = "_blank";
      a.textContent = m.title;
      li.appendChild(a);
      li.appendChild(document.createTextNode("（" + m.provider_org_title + "）：" +
        box.dataset.shared.replace("{n}", m.shared_count).replace("{ratio}", m.ratio) +
        " — " + m.shared.join("、")));
      ul.appendChild(li);
    });
    alert.appendChild(ul);
    box.appendChild(alert);
  }

  function check() {
    var items = names();
    if (!items.length) { render([]); return; }
    var params = new URLSearchParams({information_items: JSON.stringify(items)});
    var owner = form.querySelector("[name='owner_org']");
    if (owner && owner.value) { params.set("owner_org", owner.value); }
    if (box.dataset.packageId) { params.set("package_id", box.dataset.packageId); }
    fetch(box.dataset.api + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body && body.success) { render(body.result.matches); } })
      .catch(function () { /* the check is advisory: the save records it anyway */ });
  }

  form.addEventListener("input", function (e) {
    if (e.target.name && /^information_items-\d+-name$/.test(e.target.name)) {
      clearTimeout(timer);
      timer = setTimeout(check, 600);
    }
  });
  form.addEventListener("change", function (e) {
    if (e.target.name === "owner_org") { check(); }
  });
})();
