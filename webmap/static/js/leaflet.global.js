/* Leaflet's UMD build (the build's mainFields choose it over its ES module): a plain object, which the
   plugins may extend, made the page's global L. */
import L from "leaflet";

window.L = L;
