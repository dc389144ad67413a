package com.maclogin.cutover.notifier;

/** The chat systems the notifier posts to. */
public enum ChatChannel {
    SLACK, TELEGRAM
}
