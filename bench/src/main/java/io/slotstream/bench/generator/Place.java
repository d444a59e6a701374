package io.slotstream.bench.generator;

import java.time.ZoneId;
import java.util.List;

/**
 * A US metro area Locations are placed in: state, city, IANA zone, centre coordinates, ZIP prefix and area code.
 * Phone numbers use the fictional 555-01xx range.
 */
public record Place(String state, String city, ZoneId zone, double latitude, double longitude, String zip3, String areaCode) {

    static final List<Place> ALL = List.of(
            p("MA", "Boston", "America/New_York", 42.3601, -71.0589, "021", "617"),
            p("NY", "New York", "America/New_York", 40.7128, -74.0060, "100", "212"),
            p("PA", "Philadelphia", "America/New_York", 39.9526, -75.1652, "191", "215"),
            p("GA", "Atlanta", "America/New_York", 33.7490, -84.3880, "303", "404"),
            p("FL", "Miami", "America/New_York", 25.7617, -80.1918, "331", "305"),
            p("OH", "Columbus", "America/New_York", 39.9612, -82.9988, "432", "614"),
            p("MI", "Detroit", "America/Detroit", 42.3314, -83.0458, "482", "313"),
            p("IN", "Indianapolis", "America/Indiana/Indianapolis", 39.7684, -86.1581, "462", "317"),
            p("IL", "Chicago", "America/Chicago", 41.8781, -87.6298, "606", "312"),
            p("TX", "Houston", "America/Chicago", 29.7604, -95.3698, "770", "713"),
            p("TX", "Dallas", "America/Chicago", 32.7767, -96.7970, "752", "214"),
            p("MN", "Minneapolis", "America/Chicago", 44.9778, -93.2650, "554", "612"),
            p("MO", "St. Louis", "America/Chicago", 38.6270, -90.1994, "631", "314"),
            p("CO", "Denver", "America/Denver", 39.7392, -104.9903, "802", "303"),
            p("AZ", "Phoenix", "America/Phoenix", 33.4484, -112.0740, "850", "602"),
            p("UT", "Salt Lake City", "America/Denver", 40.7608, -111.8910, "841", "801"),
            p("CA", "Los Angeles", "America/Los_Angeles", 34.0522, -118.2437, "900", "213"),
            p("CA", "San Francisco", "America/Los_Angeles", 37.7749, -122.4194, "941", "415"),
            p("WA", "Seattle", "America/Los_Angeles", 47.6062, -122.3321, "981", "206"),
            p("OR", "Portland", "America/Los_Angeles", 45.5152, -122.6784, "972", "503"),
            p("AK", "Anchorage", "America/Anchorage", 61.2181, -149.9003, "995", "907"),
            p("HI", "Honolulu", "Pacific/Honolulu", 21.3069, -157.8583, "968", "808"));

    private static Place p(String state, String city, String zone, double lat, double lon, String zip3, String area) {
        return new Place(state, city, ZoneId.of(zone), lat, lon, zip3, area);
    }
}
