"""The Folium element tree of the map page (no Flask here).

Folium builds the map, its basemaps, its grouped layer control and its plugins. Leaflet and the plugins
the map shows from the start come in one self-hosted script and one stylesheet, /static/dist/leaflet.js
and .css (built by tools/vendor-assets.sh); a plugin that only a button needs (locate, full screen) is a
``LazyControl``, fetched from /static/vendor on first use. The data layers are empty feature groups that
the page's own script fills from the API, so the page stays small and no attribute value is ever
inserted as HTML. ``render_parts`` splits the result into the page's stylesheets, its scripts, the map's
<div> and an external script (the page carries no inline script, so the Content-Security-Policy can
forbid it).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from branca.element import CssLink, Element, JavascriptLink, MacroElement

import folium
from folium.template import Template

from geo.maintenance.osm_import import OSM_SOURCE_KIND
from geo.model.catalog import LAYERS
from webmap.i18n import layer_title, t

STATIC = Path(__file__).resolve().parent / "static"
BUNDLE_JS = "dist/leaflet.js"  # Leaflet (npm's build), the grouped layers and minimap plugins, LazyControl
BUNDLE_CSS = "dist/leaflet.css"
CENTRE = (20.84, 106.50)  # lat, lon: frames both former provinces at zoom 9–10
ZOOM = 10
LAYER_GROUPS = {
    "group_zones": ("economic-zones",),
    "group_industry": ("industrial-parks", "industrial-clusters", "factories"),
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
# Shown while a layer drawing outlines taken from an OpenStreetMap extract is on the map (ODbL 1.0, §4.3).
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors (ODbL)'
TILE_HOSTS = ("https://tile.openstreetmap.org", "https://server.arcgisonline.com")


@dataclass(frozen=True)
class MapParts:
    """A rendered map: tags for <head>, the map <div>, and the script that builds the map."""

    head: str  # the stylesheets' <link> tags
    body: str
    script: str
    scripts: tuple[str, ...]  # URLs of the scripts to run before ``script``, in order
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


class LazyControl(MacroElement):
    """A plugin's control that only a button needs: the button is there from the start, the plugin's
    script is fetched from /static/vendor on its first click (``L.control.lazy``, js/leaflet.lazy.js).

    ``factory`` names the plugin's ``L.control.<factory>``; ``options`` are its options; ``classes`` maps
    options whose value is a Leaflet class to the class's name (``{"markerClass": "CircleMarker"}``);
    ``start`` is the method to call once the real control has replaced the button; ``style``, the plugin's
    stylesheet, if any, loaded with it.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.lazy({{ this.factory|tojson }}, {{ this.options|tojson }}, {{ this.lazy|tojson }})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, factory: str, options: dict, *, script: str, class_name: str, title: str, icon: str,
                 classes: dict[str, str] | None = None, start: str = "start", style: str | None = None):  # fmt: skip
        super().__init__()
        self._name = "LazyControl"
        self.factory = factory
        self.options = options
        self.lazy = {"script": static_url(script), "className": class_name, "title": title, "icon": icon,
                     "classes": classes or {}, "start": start}  # fmt: skip
        if style:
            self.lazy["style"] = static_url(style)


def osm_layers(dataset) -> set[str]:
    """Return the layers of ``dataset`` some of whose outlines come from an OpenStreetMap extract."""
    sources = dataset.sources  # index = source id
    extracts = set(sources.index[sources["kind"] == OSM_SOURCE_KIND])
    if not extracts:
        return set()
    return {
        name for name, layer in dataset.layers.items()
        if "geometry_sources" in layer.gdf.columns and extracts & set(layer.gdf["geometry_sources"].explode().dropna())
    }  # fmt: skip


def build_map(lang: str, offline: bool) -> tuple[folium.Map, dict[str, str], str]:
    """Build the element tree; return the map, the layer groups' JS names and the minimap's."""
    m = folium.Map(location=CENTRE, zoom_start=ZOOM, tiles=None, control_scale=False, min_zoom=7, max_zoom=18)
    m._id = "hpmap"
    m.default_js = [("leaflet", static_url(BUNDLE_JS))]
    m.default_css = [("leaflet_css", static_url(BUNDLE_CSS))]

    basemaps = [] if offline else _basemaps(m, lang)
    groups = {}
    for spec in LAYERS:
        group = folium.FeatureGroup(name=layer_title(spec.name, lang), control=False)
        group._id = spec.name.replace("-", "_")
        group.add_to(m)
        groups[spec.name] = group

    grouped = [(t("group_basemap", lang), basemaps)] if basemaps else []
    for key, names in LAYER_GROUPS.items():
        grouped.append((t(key, lang), [(layer_title(n, lang), groups[n].get_name()) for n in names if n in groups]))
    GroupedLayers(grouped, exclusive=[t("group_basemap", lang)]).add_to(m)

    # Its own bar, not a button inside the zoom control: it comes on first use, in the placeholder's place.
    LazyControl(
        "fullscreen",
        {"title": t("fullscreen", lang), "titleCancel": t("fullscreen_exit", lang), "forceSeparateButton": True},
        script="vendor/fullscreen/Control.FullScreen.js",
        style="vendor/fullscreen/Control.FullScreen.css",
        class_name="hp-lazy-fullscreen",
        title=t("fullscreen", lang),
        icon="hp-icon-fullscreen",
        start="toggleFullScreen",
    ).add_to(m)
    # The plugin's own position marker and compass are SVG with inline styles, which the CSP refuses:
    # a circle marker styled through the SVG renderer instead, and no compass.
    locate = {"strings": {"title": t("locate", lang)}, "icon": "hp-icon-locate",
              "iconLoading": "hp-icon-locate hp-loading", "flyTo": True, "keepCurrentZoomLevel": False,
              "initialZoomLevel": 13, "showCompass": False}  # fmt: skip
    LazyControl(
        "locate",
        locate,
        script="vendor/locate/L.Control.Locate.min.js",
        class_name="leaflet-control-locate",
        title=t("locate", lang),
        icon="hp-icon-locate",
        classes={"markerClass": "CircleMarker"},
    ).add_to(m)
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


@cache
def static_url(path: str) -> str:
    """Return the URL of the static file at ``path``, versioned by its content (it may be cached long)."""
    version = hashlib.sha1((STATIC / path).read_bytes()).hexdigest()[:10]
    return f"/static/{path}?v={version}"


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _compact(script: str) -> str:
    """Drop the indentation and blank lines of Folium's templates (no string in them spans lines)."""
    return "\n".join(line.strip() for line in script.splitlines() if line.strip()) + "\n"


def render_parts(lang: str, offline: bool) -> MapParts:
    """Render the map for ``lang`` and split it for the page template and the external script."""
    m, layer_vars, minimap_var = build_map(lang, offline)
    root = m.get_root()
    root.render()
    head, scripts, moved = [], [], []
    for child in root.header._children.values():
        if isinstance(child, JavascriptLink):
            scripts.append(child.url)
        elif isinstance(child, CssLink):
            head.append(child.render().strip())
        elif isinstance(child, Element):
            # Folium's own <meta> and <style> are replaced by our template and stylesheet;
            # its inline flags (L_NO_TOUCH, ...) move into the external script.
            moved += _INLINE_SCRIPT.findall(child.render())
    script = _compact("\n".join(moved) + "\n" + root.script.render())
    return MapParts(
        head="\n".join(h for h in head if h),
        body=root.html.render().strip(),
        script=script,
        scripts=tuple(scripts),
        map_var=m.get_name(),
        layer_vars=layer_vars,
        minimap_var=minimap_var,
    )
