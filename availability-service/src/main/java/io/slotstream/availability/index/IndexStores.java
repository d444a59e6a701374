package io.slotstream.availability.index;

/** Names of the search index stores (slot partitions, persistent RocksDB, changelogged); queries use the same names. */
public final class IndexStores {

    /** {@link PostingKey} -> empty: the posting lists of every {@link SearchTerms term}. */
    public static final String POSTINGS = "slot-search-postings";
    /** slotId -> {@link IndexedEntry}: what is indexed for the slot now, so a change removes exactly its old keys. */
    public static final String ENTRIES = "slot-search-entries";

    private IndexStores() {
    }
}
