"""The Folium element tree of the map page (no Flask here).

Folium builds the map, its basemaps, its grouped layer control and its plugins; every script and
stylesheet they need is self-hosted under /static/vendor. The data layers are empty feature groups
that the page's own script fills from the API, so the page stays small and no attribute value is
ever inserted as HTML. ``render_parts`` splits the result into what goes in <head>, in <body> and in
an external script (the page carries no inline script, so the Content-Security-Policy can forbid it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from branca.element import CssLink, Element, JavascriptLink, MacroElement

import folium
from folium import plugins
from folium.template import Template

from geo.catalog import LAYERS
from webmap.i18n import layer_title, t

VENDOR = "/static/vendor"
CENTRE = (20.84, 106.50)  # lat, lon: frames both former provinces at zoom 9–10
ZOOM = 10
LAYER_GROUPS = {
    "group_zones": ("economic-zones",),
    "group_industry": ("industrial-parks", "industrial-clusters"),
    "group_transport": ("ports", "airports"),
}
BASEMAPS = (
    # (message key, URL template, attribution); only used when the app may go online
    ("basemap_osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
     '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    ("basemap_satellite",
     "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
     "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community"),
)  # fmt: skip
TILE_HOSTS = ("https://tile.openstreetmap.org", "https://server.arcgisonline.com")


@dataclass(frozen=True)
class MapParts:
    """A rendered map: tags for <head>, the map <div>, and the script that builds the map."""

    head: str
    body: str
    script: str
    map_var: str  # global JS name of the L.Map
    layer_vars: dict[str, str]  # layer name -> global JS name of its L.FeatureGroup
    minimap_var: str  # global JS name of the layer group shown in the minimap


class GroupedLayers(MacroElement):
    """The grouped layer control, with the basemaps as one exclusive (radio) group."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.groupedLayers(null, {
            {%- for group, layers in this.groups %}
            {{ group|tojson }}: {
                {%- for label, var in layers %}{{ label|tojson }}: {{ var }},{% endfor %}
            },
            {%- endfor %}
        }, {{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]], exclusive: list[str]):
        super().__init__()
        self._name = "GroupedLayers"
        self.groups = groups
        self.options = {"collapsed": True, "exclusiveGroups": exclusive, "groupCheckboxes": False}

    def render(self, **kwargs):
        """Add the plugin's self-hosted files to the page, then render."""
        figure = self.get_root()
        figure.header.add_child(
            JavascriptLink(f"{VENDOR}/groupedlayers/leaflet.groupedlayercontrol.min.js"), name="groupedlayers_js"
        )
        figure.header.add_child(
            CssLink(f"{VENDOR}/groupedlayers/leaflet.groupedlayercontrol.min.css"), name="groupedlayers_css"
        )
        super().render(**kwargs)


class OutlineMiniMap(MacroElement):
    """A minimap whose content is a layer group (the page draws the zone outlines into it).

    Offline there is no tile to show, so outlines are what makes the minimap useful.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.layer_var }} = L.layerGroup([{{ this.tiles_var or '' }}]);
        var {{ this.get_name() }} = new L.Control.MiniMap({{ this.layer_var }}, {{ this.options|tojson }});
        {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, tiles_var: str | None):
        super().__init__()
        self._name = "OutlineMiniMap"
        self._id = "hpmap"
        self.layer_var = "minimap_layers_hpmap"
        self.tiles_var = tiles_var
        self.options = {"toggleDisplay": True, "zoomLevelOffset": -4, "position": "bottomright", "width": 120,
                        "height": 120}  # fmt: skip

    def render(self, **kwargs):
        """Add the plugin's self-hosted files to the page, then render."""
        figure = self.get_root()
        figure.header.add_child(JavascriptLink(f"{VENDOR}/minimap/Control.MiniMap.min.js"), name="minimap_js")
        figure.header.add_child(CssLink(f"{VENDOR}/minimap/Control.MiniMap.min.css"), name="minimap_css")
        super().render(**kwargs)


def build_map(lang: str, offline: bool) -> tuple[folium.Map, dict[str, str], str]:
    """Build the element tree; return the map, the layer groups' JS names and the minimap's."""
    m = folium.Map(location=CENTRE, zoom_start=ZOOM, tiles=None, control_scale=False, min_zoom=7, max_zoom=18)
    m._id = "hpmap"
    m.default_js = [("leaflet", f"{VENDOR}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]

    basemaps = [] if offline else _basemaps(m, lang)
    groups = {}
    for spec in LAYERS:
        group = folium.FeatureGroup(name=layer_title(spec.name, lang), control=False)
        group._id = spec.name.replace("-", "_")
        group.add_to(m)
        groups[spec.name] = group

    grouped = [(t("group_basemap", lang), basemaps)] if basemaps else []
    for key, names in LAYER_GROUPS.items():
        grouped.append((t(key, lang), [(layer_title(n, lang), groups[n].get_name()) for n in names]))
    GroupedLayers(grouped, exclusive=[t("group_basemap", lang)]).add_to(m)

    _self_hosted(plugins.Fullscreen(title=t("fullscreen", lang), title_cancel=t("fullscreen_exit", lang)),
                 [("fullscreen_js", "fullscreen/Control.FullScreen.js")],
                 [("fullscreen_css", "fullscreen/Control.FullScreen.css")]).add_to(m)  # fmt: skip
    locate = plugins.LocateControl(
        strings={"title": t("locate", lang)}, icon="hp-icon-locate", iconLoading="hp-icon-locate hp-loading",
        flyTo=True, keepCurrentZoomLevel=False, initialZoomLevel=13,
    )  # fmt: skip
    _self_hosted(locate, [("locate_js", "locate/L.Control.Locate.min.js")],
                 [("locate_css", "locate/L.Control.Locate.min.css")]).add_to(m)  # fmt: skip
    minimap = OutlineMiniMap(basemaps[0][1] if basemaps else None)
    minimap.add_to(m)
    return m, {name: group.get_name() for name, group in groups.items()}, minimap.layer_var


def _basemaps(m: folium.Map, lang: str) -> list[tuple[str, str]]:
    layers = []
    for index, (key, url, attribution) in enumerate(BASEMAPS):
        tiles = folium.TileLayer(url, attr=attribution, name=t(key, lang), max_zoom=19, control=False,
                                 show=index == 0)  # fmt: skip
        tiles.add_to(m)
        layers.append((t(key, lang), tiles.get_name()))
    return layers


def _self_hosted(plugin, js: list[tuple[str, str]], css: list[tuple[str, str]]):
    """Point a Folium plugin at our copies of its files instead of a CDN."""
    plugin.default_js = [(name, f"{VENDOR}/{path}") for name, path in js]
    plugin.default_css = [(name, f"{VENDOR}/{path}") for name, path in css]
    return plugin


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def render_parts(lang: str, offline: bool) -> MapParts:
    """Render the map for ``lang`` and split it for the page template and the external script."""
    m, layer_vars, minimap_var = build_map(lang, offline)
    root = m.get_root()
    root.render()
    head, moved = [], []
    for child in root.header._children.values():
        html = child.render()
        if isinstance(child, (JavascriptLink, CssLink)):
            head.append(html.strip())
        elif isinstance(child, Element):
            # Folium's own <meta> and <style> are replaced by our template and stylesheet;
            # its inline flags (L_NO_TOUCH, ...) move into the external script.
            moved += _INLINE_SCRIPT.findall(html)
    script = "\n".join(moved) + "\n" + root.script.render()
    return MapParts(
        head="\n".join(h for h in head if h),
        body=root.html.render().strip(),
        script=script,
        map_var=m.get_name(),
        layer_vars=layer_vars,
        minimap_var=minimap_var,
    )
