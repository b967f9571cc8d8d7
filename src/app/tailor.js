// Tailor beacons: a view when a banner is half on screen, a click when an item is followed.
// Sent with navigator.sendBeacon to POST /events, which records them in the visitor cookie
// (with consent) so the next banner is re-ranked. No framework, no dependencies.
(function () {
  if (!navigator.sendBeacon) return;
  function send(events) {
    navigator.sendBeacon('/events', JSON.stringify({ events: events }));
  }
  function describe(link, type) {
    var banner = link.closest('[data-slot]');
    // The item id only: the edge takes the category from its catalogue, never from the page.
    var event = { type: type, item: link.dataset.item };
    if (banner) event.slot = banner.dataset.slot;
    return event;
  }
  var seen = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      seen.unobserve(entry.target);
      var links = entry.target.querySelectorAll('[data-item]');
      var events = Array.prototype.map.call(links, function (a) { return describe(a, 'view'); });
      if (events.length) send(events.slice(0, 20));
    });
  }, { threshold: 0.5 });
  document.querySelectorAll('.tailor-banner').forEach(function (b) { seen.observe(b); });
  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('[data-item]');
    if (link) send([describe(link, 'click')]);
  });
})();
