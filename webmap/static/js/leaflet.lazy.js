/* L.control.lazy(factory, options, lazy): a Leaflet control whose plugin is fetched on first use.
   Until then a button that looks like the plugin's own; its first click loads the plugin's script (and
   stylesheet) from this site, puts the real control, L.control[factory](options), in the button's place
   and calls its `lazy.start` method. What only a button needs stays off the page's first load.
   `lazy.classes` names options whose value is a Leaflet class, {option: "CircleMarker"}: set once loaded.
   Built into dist/leaflet.js, so Folium's setup script can add it like any other control.
   L.Control.Lazy.load(url) loads a classic script or a stylesheet once (a promise). */
var L = window.L;
var loading = {};  // URL -> promise of its load

function load(url) {
  if (!loading[url]) {
    loading[url] = new Promise(function (resolve, reject) {
      var css = /\.css(\?|$)/.test(url);
      var node = document.createElement(css ? "link" : "script");
      if (css) { node.rel = "stylesheet"; node.href = url; } else { node.src = url; }
      node.onload = resolve;
      node.onerror = function () { delete loading[url]; node.remove(); reject(new Error("could not load " + url)); };
      document.head.appendChild(node);
    });
  }
  return loading[url];
}

L.Control.Lazy = L.Control.extend({
  // lazy: {script, style, className, title, icon, start (method to call once loaded), classes}
  initialize: function (factory, options, lazy) {
    L.Util.setOptions(this, { position: options.position || "topleft" });
    this._factory = factory;
    this._pluginOptions = options;
    this._lazy = lazy;
  },

  onAdd: function () {
    var lazy = this._lazy;
    var container = L.DomUtil.create("div", lazy.className + " leaflet-bar leaflet-control");
    var link = L.DomUtil.create("a", "leaflet-bar-part leaflet-bar-part-single", container);
    link.href = "#";
    link.title = lazy.title;
    link.setAttribute("role", "button");
    link.setAttribute("aria-label", lazy.title);
    L.DomUtil.create("span", lazy.icon, link);
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.on(link, "click", function (event) {
      L.DomEvent.preventDefault(event);
      this.activate();
    }, this);
    return container;
  },

  // Load the plugin, put the real control where this one is, start it; a promise of the real control.
  activate: function () {
    if (!this._activated) {
      var self = this, lazy = this._lazy;
      L.DomUtil.addClass(this._container, "hp-lazy-loading");
      this._activated = Promise.all([lazy.script, lazy.style].filter(Boolean).map(load)).then(function () {
        var map = self._map, here = self._container, options = L.extend({}, self._pluginOptions);
        Object.keys(lazy.classes || {}).forEach(function (key) { options[key] = L[lazy.classes[key]]; });
        var control = L.control[self._factory](options).addTo(map);
        here.parentNode.insertBefore(control.getContainer(), here);
        self.remove();
        if (lazy.start) control[lazy.start]();
        return control;
      }, function (error) {
        L.DomUtil.removeClass(self._container, "hp-lazy-loading");
        self._activated = null;  // a later click tries again
        throw error;
      });
    }
    return this._activated;
  }
});

L.Control.Lazy.load = load;
L.control.lazy = function (factory, options, lazy) { return new L.Control.Lazy(factory, options, lazy); };
