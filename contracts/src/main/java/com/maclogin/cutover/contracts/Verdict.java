package com.maclogin.cutover.contracts;

/** A probe's or a rule's verdict. Two values are not enough: "could not measure" is not "failed". */
public enum Verdict {
    PASSED,
    FAILED,
    /** The probe could not measure (e.g. SSH dropped while probing). */
    ERROR,
    /** Too few samples to decide. */
    INCONCLUSIVE
}
