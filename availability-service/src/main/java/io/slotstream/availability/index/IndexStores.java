package io.slotstream.availability.index;

/** Names of the search index stores (slot partitions, persistent RocksDB, changelogged); queries use the same names. */
public final class IndexStores {

    /** {@link PostingKey} -> empty: the posting lists of every {@link SearchTerms term}. */
    public static final String POSTINGS = "slot-search-postings";

    private IndexStores() {
    }
}
