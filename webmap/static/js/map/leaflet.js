/* The page's one Leaflet: dist/leaflet.js sets window.L before Folium's setup script builds the map with it.
   A module imports Leaflet from here, never from the package (that would bundle a second copy). */
export default window.L;
