package io.jcri.runtime;

/** CRI ContainerState without UNKNOWN: CREATED, RUNNING, EXITED. */
public enum ContainerStatus { CREATED, RUNNING, EXITED }
