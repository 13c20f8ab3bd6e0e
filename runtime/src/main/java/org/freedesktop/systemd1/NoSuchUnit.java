package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * systemd's D-Bus error {@code org.freedesktop.systemd1.NoSuchUnit}: dbus-java turns an error reply into the exception
 * class of the error's name when there is one (else a plain DBusExecutionException, which does not tell the name).
 */
public class NoSuchUnit extends DBusExecutionException {
    public NoSuchUnit(String message) {
        super(message);
    }
}
