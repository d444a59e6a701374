package io.slotstream.publish.store;

import java.util.Set;

/**
 * One cut of the {@link PublicationStore}: a point-in-time view and the groups changed since the last committed cut.
 *
 * @param view            the consistent view to read the groups from; the caller closes it
 * @param groups          groups to rewrite, in group order
 * @param deletionGroups  those of {@code groups} whose remembered deletions changed (deleted, re-created or pruned)
 * @param movedFromGroups those of {@code groups} a resource moved out of (to another group)
 * @param transactionTime S: the newest change time in the view, UTC epoch ms (a function of the input only)
 * @param horizon         deletions at or before it are forgotten: {@code _since} needs {@code T - overlap} after it
 */
public record StoreCut(StoreView view, Set<GroupKey> groups, Set<GroupKey> deletionGroups,
                       Set<GroupKey> movedFromGroups, long transactionTime, long horizon) {

    public StoreCut {
        groups = Set.copyOf(groups);
        deletionGroups = Set.copyOf(deletionGroups);
        movedFromGroups = Set.copyOf(movedFromGroups);
    }
}
