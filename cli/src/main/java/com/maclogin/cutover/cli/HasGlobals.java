package com.maclogin.cutover.cli;

/** A command carrying the global options (the root, {@code fleet}, every leaf command). */
interface HasGlobals {
    GlobalOptions globals();
}
