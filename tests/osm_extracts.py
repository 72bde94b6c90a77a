"""Write small OpenStreetMap extracts for tests: the same objects as OSM XML or as PBF (through pyosmium).

An ``Extract`` collects closed ways and multipolygon relations drawn from shapely polygons; its nodes
are numbered as they are made. ``write_xml`` writes the format by hand (it is simple and documented);
``write_pbf`` goes through libosmium, the library most PBF extracts are written with, so the reader
is tested against a real encoder rather than against our own idea of the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

from shapely.geometry import Polygon


@dataclass
class Extract:
    """Nodes, ways and relations of an extract, and the moment it describes."""

    timestamp: datetime | None = datetime(2025, 3, 1, 21, 0, tzinfo=UTC)
    nodes: list[tuple[int, float, float]] = field(default_factory=list)  # id, lon, lat
    ways: list[tuple[int, list[int], dict]] = field(default_factory=list)  # id, node ids, tags
    relations: list[tuple[int, list[tuple[str, int, str]], dict]] = field(default_factory=list)  # id, members, tags
    _next_node: int = 1

    def ring(self, polygon: Polygon) -> list[int]:
        """Add the nodes of ``polygon``'s exterior; return their ids, the first repeated at the end."""
        ids = []
        for lon, lat in list(polygon.exterior.coords)[:-1]:
            self.nodes.append((self._next_node, lon, lat))
            ids.append(self._next_node)
            self._next_node += 1
        return [*ids, ids[0]]

    def area(self, way_id: int, polygon: Polygon, **tags: str) -> int:
        """Add a closed way around ``polygon`` with ``tags`` (``name_vi`` stands for the ``name:vi`` key)."""
        self.ways.append((way_id, self.ring(polygon), _keys(tags)))
        return way_id

    def multipolygon(self, relation_id: int, outers: list[tuple[int, Polygon]], **tags: str) -> int:
        """Add a multipolygon relation whose outer rings are untagged closed ways."""
        members = []
        for way_id, polygon in outers:
            self.ways.append((way_id, self.ring(polygon), {}))
            members.append(("w", way_id, "outer"))
        self.relations.append((relation_id, members, {"type": "multipolygon", **_keys(tags)}))
        return relation_id

    def write_xml(self, path: Path) -> Path:
        """Write the extract as OSM XML (API 0.6), the root carrying the extract's timestamp."""
        stamp = f' timestamp="{self.timestamp:%Y-%m-%dT%H:%M:%SZ}"' if self.timestamp else ""
        lines = ["<?xml version='1.0' encoding='UTF-8'?>", f'<osm version="0.6" generator="hpmap-tests"{stamp}>']
        meta = ' version="1" timestamp="2024-01-01T00:00:00Z" changeset="1" uid="1" user="tester"'
        for node_id, lon, lat in self.nodes:
            lines.append(f'  <node id="{node_id}"{meta} lat="{lat:.7f}" lon="{lon:.7f}"/>')
        for way_id, refs, tags in self.ways:
            lines.append(f'  <way id="{way_id}"{meta}>')
            lines += [f'    <nd ref="{ref}"/>' for ref in refs]
            lines += _xml_tags(tags)
            lines.append("  </way>")
        for relation_id, members, tags in self.relations:
            lines.append(f'  <relation id="{relation_id}"{meta}>')
            kinds = {"n": "node", "w": "way", "r": "relation"}
            lines += [f'    <member type="{kinds[t]}" ref="{ref}" role="{role}"/>' for t, ref, role in members]
            lines += _xml_tags(tags)
            lines.append("  </relation>")
        lines.append("</osm>")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def write_pbf(self, path: Path) -> Path:
        """Write the extract as PBF; the header's replication timestamp is the extract's date."""
        import osmium

        header = osmium.io.Header()
        header.set("generator", "hpmap-tests")
        if self.timestamp:
            header.set("osmosis_replication_timestamp", f"{self.timestamp:%Y-%m-%dT%H:%M:%SZ}")
        writer = osmium.SimpleWriter(str(path), header=header, overwrite=True)
        try:
            for node_id, lon, lat in self.nodes:
                writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat), version=1, tags={}))
            for way_id, refs, tags in self.ways:
                writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, version=1, tags=tags))
            for relation_id, members, tags in self.relations:
                writer.add_relation(
                    osmium.osm.mutable.Relation(id=relation_id, members=members, version=1, tags=tags)
                )
        finally:
            writer.close()
        return path


def _keys(tags: dict[str, str]) -> dict[str, str]:
    # Python names cannot hold ":" — name_vi, name_en stand for name:vi, name:en.
    return {key.replace("_vi", ":vi").replace("_en", ":en"): value for key, value in tags.items()}


def _xml_tags(tags: dict[str, str]) -> list[str]:
    return [f"    <tag k={quoteattr(key)} v={quoteattr(value)}/>" for key, value in tags.items()]
