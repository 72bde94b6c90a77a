/* dist/leaflet.js: Leaflet as npm ships it and the plugins the map shows from the start, as one classic
   script that sets window.L. Folium's setup script (/map/setup-<lang>.js) builds the map with that global,
   the plugins loaded on first use (vendor/) extend it, and the page's modules use it (map/leaflet.js).
   Built by tools/vendor-assets.sh. */
import "./leaflet.global.js"; // first: the plugins below extend window.L as they load
import "leaflet-groupedlayercontrol";
import "leaflet-minimap";
import "./leaflet.lazy.js";

import "leaflet/dist/leaflet.css";
import "leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.css";
import "leaflet-minimap/dist/Control.MiniMap.min.css";
