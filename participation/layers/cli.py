"""``flask layers import|list|export|delete|publish`` for the GIS team."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
import geopandas as gpd
from flask.cli import with_appcontext
from flask_babel import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError
from sqlalchemy import select

from geo.errors import GeoInputError
from participation.extensions import db
from participation.layers import services
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.layers.uploads import services as uploads
from participation.loaders import get_by_id
from participation.municipalities.models import Municipality

EXPORT_DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG"}


@click.group(help="GIS layers: import, list, export, delete; clean up abandoned uploads.")
def layers():
    pass


def _town(slug: str) -> Municipality:
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if town is None:
        raise click.BadParameter(f"no municipality with slug {slug!r}", param_hint="--municipality")
    return town


def _layer(layer_id: int) -> Layer:
    layer = get_by_id(Layer, layer_id)
    if layer is None:
        raise click.ClickException(f"no layer {layer_id}")
    return layer


def _version(layer: Layer, number: int | None) -> LayerVersion:
    """Version `number` of `layer`, or the published one when `number` is None."""
    version = layer.version(number) if number else layer.current_version
    if version is None:
        raise click.ClickException(f"layer {layer.id} has no version {number}" if number
                                   else f"layer {layer.id} has no published version")
    return version


@layers.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--municipality", "slug", required=True, help="Slug of the town the layer belongs to.")
@click.option("--name", help="Name of a new layer (default: the file name).")
@click.option("--crs", help="EPSG code for files without one, e.g. 25833.")
@click.option("--layer", "source_layer", help="Layer inside a GeoPackage or GML file.")
@click.option("--new-version-of", "layer_id", type=int, help="Add a version to this layer instead of a new layer.")
@click.option("--attribution", default="", help="e.g. '© GeoBasis-DE/LGB, dl-de/by-2-0'.")
@click.option("--source", default="")
@click.option("--description", default="")
@click.option("--draft", is_flag=True, help="Store without publishing (publish later with `layers publish`).")
@with_appcontext
def import_(path, slug, name, crs, source_layer, layer_id, attribution, source, description, draft):
    """Validate a file (shapefile zip, GeoPackage, GeoJSON, KML, FlatGeobuf, GML) and store it in EPSG:4326."""
    town = _town(slug)
    existing = _layer(layer_id) if layer_id else None
    click.echo(f"checking {path.name} …")
    with click.progressbar(length=100, label="storing features") as bar:
        def progress(done: int, total: int) -> None:
            bar.update(int(done * 100 / max(total, 1)) - bar.pos)
        try:
            version = services.import_file(
                town, path, path.name, name=name, layer=existing, crs=crs, source_layer=source_layer,
                attribution=attribution, source=source, description=description, publish=not draft, progress=progress,
            )
        except GeoInputError as error:
            db.session.rollback()
            raise click.ClickException(_(error.message).format(**error.params)) from None
        db.session.commit()
    report = version.report
    click.echo(f"layer {version.layer_id} version {version.number}: {version.feature_count} features, "
               f"from EPSG:{report['source_crs_epsg']} ({report['source_crs_name']}), "
               f"repaired {report['repaired_invalid']}, dropped {report['dropped_empty'] + report['dropped_unreadable']}"
               + ("" if draft else ", published"))


@layers.command("list")
@click.option("--municipality", "slug")
@with_appcontext
def list_(slug):
    query = select(Layer).order_by(Layer.id)
    if slug:
        query = query.where(Layer.municipality_id == _town(slug).id)
    for layer in db.session.scalars(query):
        current = layer.current_version
        click.echo(f"{layer.id}\t{layer.municipality.slug}\t{layer.name}\t"
                   f"versions={len(layer.versions)}\tpublished={current.number if current else '-'}")


@layers.command("export")
@click.argument("layer_id", type=int)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--crs", type=int, default=4326, show_default=True, help="EPSG code of the export, e.g. 25833.")
@click.option("--version", "number", type=int, help="Version number (default: the published one).")
@with_appcontext
def export(layer_id, target, crs, number):
    """Write a layer version as GeoJSON (.geojson) or GeoPackage (.gpkg)."""
    driver = EXPORT_DRIVERS.get(target.suffix.lower())
    if driver is None:
        raise click.BadParameter("the target must end in .geojson or .gpkg", param_hint="TARGET")
    layer = _layer(layer_id)
    version = _version(layer, number)
    try:
        target_crs = CRS.from_epsg(crs)
    except CRSError:
        raise click.BadParameter(f"EPSG:{crs} is not a known coordinate reference system", param_hint="--crs") from None
    rows = db.session.execute(
        select(LayerFeature.geometry, LayerFeature.properties).where(LayerFeature.version_id == version.id)
        .order_by(LayerFeature.id)
    ).all()
    frame = gpd.GeoDataFrame([props for _geom, props in rows], geometry=[geom for geom, _props in rows], crs="EPSG:4326")
    frame.to_crs(target_crs).to_file(target, driver=driver, engine="pyogrio")
    click.echo(f"wrote {len(frame)} features of layer {layer.id} version {version.number} to {target}")


@layers.command("publish")
@click.argument("layer_id", type=int)
@click.argument("number", type=int)
@with_appcontext
def publish(layer_id, number):
    """Publish version NUMBER of a layer (also to roll back to an older one)."""
    version = _version(_layer(layer_id), number)
    services.publish(version)
    db.session.commit()
    click.echo(f"layer {layer_id}: version {number} published")


@layers.command("delete")
@click.argument("layer_id", type=int)
@click.option("--yes", is_flag=True)
@with_appcontext
def delete(layer_id, yes):
    layer = _layer(layer_id)
    if not yes:
        click.confirm(f"Delete layer {layer.id} ({layer.name}) with all versions?", abort=True)
    services.delete_layer(layer)
    db.session.commit()
    click.echo(f"deleted layer {layer_id}")


@layers.command("clean-uploads")
@click.option("--older-than-hours", type=float, help="Default: LAYER_UPLOAD_KEEP_HOURS.")
@with_appcontext
def clean_uploads(older_than_hours):
    """Remove browser uploads neither published nor discarded (for installations without ``flask worker``,
    e.g. hourly from cron; the worker does it every LAYER_UPLOAD_CLEAN_SECONDS)."""
    removed = uploads.clean_abandoned_uploads(
        timedelta(hours=older_than_hours) if older_than_hours is not None else None)
    db.session.commit()
    click.echo(f"removed {removed} abandoned uploads and stray files")
