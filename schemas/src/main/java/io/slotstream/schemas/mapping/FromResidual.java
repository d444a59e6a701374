package io.slotstream.schemas.mapping;

import java.util.Set;

/** The top-level elements the residual supplies; every other element is set from its typed field. */
record FromResidual(Set<String> elements) {

    /** Runs the typed setter unless the residual already supplied the element. */
    void orTyped(String element, Runnable typedSetter) {
        if (!elements.contains(element)) {
            typedSetter.run();
        }
    }
}
