package io.slotstream.ingest.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;

/**
 * Optional full structural validation against base R4 with HAPI's {@link FhirInstanceValidator}
 * ({@code slotstream.ingest.full-validation}, default off): about 30 ms per resource after a 6-7 s warm-up
 * (toolchain-notes §4), far too slow for the 5,000 slots/s target, so the fast path relies on the strict parser plus
 * {@link SchedulingRules}. Errors and fatals become 400 issues; warnings are ignored. Thread-safe.
 */
public final class FullValidator {

    private final FhirContext fhir;
    private final boolean enabled;
    private volatile FhirValidator validator;

    public FullValidator(FhirContext fhir, boolean enabled) {
        this.fhir = fhir;
        this.enabled = enabled;
    }

    /** @return whether the full validation runs (then every resource takes the full path) */
    public boolean enabled() {
        return enabled;
    }

    /** @return error issues; always empty when disabled */
    public List<Issue> validate(Resource resource) {
        if (!enabled) {
            return List.of();
        }
        return validator().validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(FullValidator::issue)
                .toList();
    }

    private static Issue issue(SingleValidationMessage m) {
        String rule = m.getMessageId() == null ? "FHIR R4 base validation" : "FHIR R4 base validation: " + m.getMessageId();
        return Issue.structure("invalid", m.getLocationString(), rule, m.getMessage());
    }

    private FhirValidator validator() {
        FhirValidator v = validator;
        if (v == null) {
            synchronized (this) {
                if (validator == null) {
                    ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                            new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                            new SnapshotGeneratingValidationSupport(fhir));
                    validator = fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
                }
                v = validator;
            }
        }
        return v;
    }
}
