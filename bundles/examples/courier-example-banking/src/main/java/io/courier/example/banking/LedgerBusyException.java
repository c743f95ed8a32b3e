package io.courier.example.banking;

/** The ledger cannot book right now; worth another attempt. */
public class LedgerBusyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public LedgerBusyException(String message) {
        super(message);
    }
}
