package io.slotstream.availability.query;

import io.slotstream.avro.FhirLocation;

/**
 * The Location {@code near} parameter: {@code latitude|longitude|distance|unit} (FHIR R4 Location search), WGS84
 * degrees; distance defaults to 50 and unit to km; units km, mi ([mi_i] too) and m. Great-circle (haversine) distance.
 *
 * @param lat      latitude, degrees
 * @param lng      longitude, degrees
 * @param radiusKm maximum distance, km
 */
public record Near(double lat, double lng, double radiusKm) {

    private static final double EARTH_RADIUS_KM = 6371.0088;

    /** @throws SearchException when malformed or out of range */
    public static Near parse(String value) {
        String[] p = value.split("\\|", -1);
        if (p.length < 2 || p.length > 4) {
            throw new SearchException("near must be latitude|longitude|distance|unit, was '" + value + "'", "Location?near");
        }
        try {
            double lat = Double.parseDouble(p[0]);
            double lng = Double.parseDouble(p[1]);
            double distance = p.length > 2 && !p[2].isEmpty() ? Double.parseDouble(p[2]) : 50;
            String unit = p.length > 3 && !p[3].isEmpty() ? p[3] : "km";
            double factor = switch (unit) {
                case "km" -> 1;
                case "mi", "[mi_i]" -> 1.609344;
                case "m" -> 0.001;
                default -> throw new SearchException("near unit '" + unit + "' is not km, mi or m", "Location?near");
            };
            if (Math.abs(lat) > 90 || Math.abs(lng) > 180 || distance < 0 || Double.isNaN(distance)) {
                throw new SearchException("near coordinates or distance out of range: '" + value + "'", "Location?near");
            }
            return new Near(lat, lng, distance * factor);
        } catch (NumberFormatException e) {
            throw new SearchException("near needs decimal latitude, longitude and distance, was '" + value + "'",
                    "Location?near");
        }
    }

    /** @return whether the location has a position within the radius */
    public boolean contains(FhirLocation location) {
        if (location.getPosition() == null) {
            return false;
        }
        double dLat = Math.toRadians(location.getPosition().getLatitude() - lat);
        double dLng = Math.toRadians(location.getPosition().getLongitude() - lng);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(Math.toRadians(lat))
                * Math.cos(Math.toRadians(location.getPosition().getLatitude())) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a))) <= radiusKm;
    }
}
