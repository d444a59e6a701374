package io.slotstream.schemas.mapping;

import io.slotstream.avro.Address;
import io.slotstream.avro.AvailableTime;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.ContactPoint;
import io.slotstream.avro.HumanName;
import io.slotstream.avro.Identifier;
import io.slotstream.avro.NotAvailable;
import io.slotstream.avro.Period;
import io.slotstream.avro.Position;
import io.slotstream.avro.Reference;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.StringType;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * FHIR R4 datatypes to their Avro records and back. FHIR to Avro is the best typed projection (elements without an
 * Avro field are left out; the resource mapper's residual catches them); Avro to FHIR sets only what is non-null.
 * Never calls an auto-creating HAPI getter on the source, so mapping does not add empty elements to the input.
 */
final class DatatypeMapper {

    // ---- FHIR -> Avro

    Coding coding(org.hl7.fhir.r4.model.Coding c) {
        return new Coding(c.getSystem(), c.getVersion(), c.getCode(), c.getDisplay(),
                c.hasUserSelectedElement() ? c.getUserSelectedElement().getValue() : null);
    }

    CodeableConcept codeableConcept(org.hl7.fhir.r4.model.CodeableConcept c) {
        return new CodeableConcept(list(c.hasCoding() ? c.getCoding() : List.of(), this::coding), c.getText());
    }

    Identifier identifier(org.hl7.fhir.r4.model.Identifier i) {
        return new Identifier(i.hasUse() ? code(i.getUseElement()) : null, i.getSystem(), i.getValue(),
                i.hasType() ? codeableConcept(i.getType()) : null);
    }

    Reference reference(org.hl7.fhir.r4.model.Reference r) {
        return new Reference(r.getReference(), r.getDisplay(), r.getType());
    }

    Period period(org.hl7.fhir.r4.model.Period p) {
        return new Period(p.getStart() != null ? FhirTime.toInstant(p.getStartElement()) : null,
                p.getEnd() != null ? FhirTime.toInstant(p.getEndElement()) : null);
    }

    ContactPoint contactPoint(org.hl7.fhir.r4.model.ContactPoint c) {
        return new ContactPoint(c.hasSystem() ? code(c.getSystemElement()) : null, c.getValue(),
                c.hasUse() ? code(c.getUseElement()) : null, c.hasRankElement() ? c.getRankElement().getValue() : null,
                c.hasPeriod() ? period(c.getPeriod()) : null);
    }

    Address address(org.hl7.fhir.r4.model.Address a) {
        return new Address(a.hasUse() ? code(a.getUseElement()) : null, a.hasType() ? code(a.getTypeElement()) : null,
                a.getText(), strings(a.hasLine() ? a.getLine() : List.of()), a.getCity(), a.getDistrict(), a.getState(),
                a.getPostalCode(), a.getCountry(), a.hasPeriod() ? period(a.getPeriod()) : null);
    }

    /** @return null when latitude or longitude is missing (both are 1..1 in FHIR) */
    Position position(Location.LocationPositionComponent p) {
        if (p.getLatitude() == null || p.getLongitude() == null) {
            return null;
        }
        return new Position(p.getLatitude().doubleValue(), p.getLongitude().doubleValue(),
                p.getAltitude() != null ? p.getAltitude().doubleValue() : null);
    }

    HumanName humanName(org.hl7.fhir.r4.model.HumanName n) {
        return new HumanName(n.hasUse() ? code(n.getUseElement()) : null, n.getText(), n.getFamily(),
                strings(n.hasGiven() ? n.getGiven() : List.of()), strings(n.hasPrefix() ? n.getPrefix() : List.of()),
                strings(n.hasSuffix() ? n.getSuffix() : List.of()), n.hasPeriod() ? period(n.getPeriod()) : null);
    }

    AvailableTime availableTime(HealthcareService.HealthcareServiceAvailableTimeComponent t) {
        List<String> days = t.hasDaysOfWeek()
                ? t.getDaysOfWeek().stream().map(DatatypeMapper::code).filter(Objects::nonNull).toList() : List.of();
        return new AvailableTime(days, t.hasAllDayElement() ? t.getAllDayElement().getValue() : null, t.getAvailableStartTime(),
                t.getAvailableEndTime());
    }

    NotAvailable notAvailable(HealthcareService.HealthcareServiceNotAvailableComponent n) {
        return new NotAvailable(n.getDescription(), n.hasDuring() ? period(n.getDuring()) : null);
    }

    /** Maps a possibly absent list; HAPI list getters auto-create, so callers pass {@code hasX() ? getX() : List.of()}. */
    <F, A> List<A> list(List<F> source, Function<F, A> mapper) {
        return source.stream().map(mapper).filter(Objects::nonNull).toList();
    }

    // ---- Avro -> FHIR

    org.hl7.fhir.r4.model.Coding coding(Coding c) {
        org.hl7.fhir.r4.model.Coding result = new org.hl7.fhir.r4.model.Coding();
        result.setSystem(c.getSystem()).setVersion(c.getVersion()).setCode(c.getCode()).setDisplay(c.getDisplay());
        if (c.getUserSelected() != null) {
            result.setUserSelected(c.getUserSelected());
        }
        return result;
    }

    org.hl7.fhir.r4.model.CodeableConcept codeableConcept(CodeableConcept c) {
        org.hl7.fhir.r4.model.CodeableConcept result = new org.hl7.fhir.r4.model.CodeableConcept();
        c.getCoding().forEach(coding -> result.addCoding(coding(coding)));
        return result.setText(c.getText());
    }

    org.hl7.fhir.r4.model.Identifier identifier(Identifier i) {
        org.hl7.fhir.r4.model.Identifier result = new org.hl7.fhir.r4.model.Identifier();
        setCode(i.getUse(), result::getUseElement);
        result.setSystem(i.getSystem()).setValue(i.getValue());
        if (i.getType() != null) {
            result.setType(codeableConcept(i.getType()));
        }
        return result;
    }

    org.hl7.fhir.r4.model.Reference reference(Reference r) {
        org.hl7.fhir.r4.model.Reference result = new org.hl7.fhir.r4.model.Reference();
        return result.setReference(r.getReference()).setDisplay(r.getDisplay()).setType(r.getType());
    }

    org.hl7.fhir.r4.model.Period period(Period p) {
        org.hl7.fhir.r4.model.Period result = new org.hl7.fhir.r4.model.Period();
        if (p.getStart() != null) {
            result.setStartElement(FhirTime.dateTime(p.getStart()));
        }
        if (p.getEnd() != null) {
            result.setEndElement(FhirTime.dateTime(p.getEnd()));
        }
        return result;
    }

    org.hl7.fhir.r4.model.ContactPoint contactPoint(ContactPoint c) {
        org.hl7.fhir.r4.model.ContactPoint result = new org.hl7.fhir.r4.model.ContactPoint();
        setCode(c.getSystem(), result::getSystemElement);
        result.setValue(c.getValue());
        setCode(c.getUse(), result::getUseElement);
        if (c.getRank() != null) {
            result.setRank(c.getRank());
        }
        if (c.getPeriod() != null) {
            result.setPeriod(period(c.getPeriod()));
        }
        return result;
    }

    org.hl7.fhir.r4.model.Address address(Address a) {
        org.hl7.fhir.r4.model.Address result = new org.hl7.fhir.r4.model.Address();
        setCode(a.getUse(), result::getUseElement);
        setCode(a.getType(), result::getTypeElement);
        result.setText(a.getText());
        a.getLine().forEach(result::addLine);
        result.setCity(a.getCity()).setDistrict(a.getDistrict()).setState(a.getState())
                .setPostalCode(a.getPostalCode()).setCountry(a.getCountry());
        if (a.getPeriod() != null) {
            result.setPeriod(period(a.getPeriod()));
        }
        return result;
    }

    Location.LocationPositionComponent position(Position p) {
        Location.LocationPositionComponent result = new Location.LocationPositionComponent();
        result.setLatitude(decimal(p.getLatitude())).setLongitude(decimal(p.getLongitude()));
        if (p.getAltitude() != null) {
            result.setAltitude(decimal(p.getAltitude()));
        }
        return result;
    }

    /** The shortest plain decimal for a double (1.0 becomes 1, as JSON sources usually write it). */
    private static BigDecimal decimal(double value) {
        BigDecimal result = BigDecimal.valueOf(value).stripTrailingZeros();
        return result.scale() < 0 ? result.setScale(0) : result;
    }

    org.hl7.fhir.r4.model.HumanName humanName(HumanName n) {
        org.hl7.fhir.r4.model.HumanName result = new org.hl7.fhir.r4.model.HumanName();
        setCode(n.getUse(), result::getUseElement);
        result.setText(n.getText()).setFamily(n.getFamily());
        n.getGiven().forEach(result::addGiven);
        n.getPrefix().forEach(result::addPrefix);
        n.getSuffix().forEach(result::addSuffix);
        if (n.getPeriod() != null) {
            result.setPeriod(period(n.getPeriod()));
        }
        return result;
    }

    HealthcareService.HealthcareServiceAvailableTimeComponent availableTime(AvailableTime t) {
        var result = new HealthcareService.HealthcareServiceAvailableTimeComponent();
        for (String day : t.getDaysOfWeek()) {
            setCode(day, result::addDaysOfWeekElement);
        }
        if (t.getAllDay() != null) {
            result.setAllDay(t.getAllDay());
        }
        return result.setAvailableStartTime(t.getAvailableStartTime()).setAvailableEndTime(t.getAvailableEndTime());
    }

    HealthcareService.HealthcareServiceNotAvailableComponent notAvailable(NotAvailable n) {
        var result = new HealthcareService.HealthcareServiceNotAvailableComponent();
        result.setDescription(n.getDescription());
        if (n.getDuring() != null) {
            result.setDuring(period(n.getDuring()));
        }
        return result;
    }

    // ---- codes

    /** @return the code as written, or null when the element has no value */
    static String code(PrimitiveType<?> element) {
        return element.getValueAsString();
    }

    /**
     * Sets a code on a HAPI enumeration element (created on demand by the supplier). An unknown code is left out:
     * the resource mapper's comparison then keeps the source element in the residual.
     */
    static void setCode(String code, Supplier<? extends Enumeration<?>> element) {
        if (code == null) {
            return;
        }
        Enumeration<?> target = element.get();
        try {
            target.setValueAsString(code);
        } catch (RuntimeException unknownCode) {
            target.setValue(null);
        }
    }

    private static List<String> strings(List<StringType> values) {
        return values.stream().map(StringType::getValue).filter(Objects::nonNull).toList();
    }
}
