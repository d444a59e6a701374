package io.slotstream.publish.store;

import java.util.Set;

/**
 * One cut of the {@link PublicationStore}: a point-in-time view and the groups changed since the last committed cut.
 *
 * @param view            the consistent view to read the groups from; the caller closes it
 * @param groups          groups to rewrite, in group order
 * @param deletionGroups  those of {@code groups} whose remembered deletions changed (deleted, re-created or pruned)
 * @param movedFromGroups those of {@code groups} a resource moved out of (to another group)
 * @param firstChangeTime the oldest change time among the changes applied since the last committed cut, UTC epoch
 *                        ms: a group's full files from before lack no change older than it ({@code transactionTime}
 *                        when none was applied; the last cut's time when unknown, after a restart)
 * @param transactionTime S: the newest change time in the view, UTC epoch ms (a function of the input only)
 * @param horizon         deletions at or before it are forgotten: {@code _since} needs {@code T - overlap} after it
 */
public record StoreCut(StoreView view, Set<GroupKey> groups, Set<GroupKey> deletionGroups,
                       Set<GroupKey> movedFromGroups, long firstChangeTime, long transactionTime, long horizon) {

    public StoreCut {
        groups = Set.copyOf(groups);
        deletionGroups = Set.copyOf(deletionGroups);
        movedFromGroups = Set.copyOf(movedFromGroups);
    }
}
