/**
 * Process security settings of a container, as data the launcher applies on its single-use thread.
 *
 * <p>Order on the launch thread (after namespaces and pivot_root): drop the bounding set to
 * {@code CapabilitySet.bounding()}, {@code setgroups}/{@code setresgid}/{@code setresuid} with a
 * {@link io.jcri.runtime.security.ResolvedUser} (raw syscalls: glibc broadcasts to every thread), {@code capset}
 * the effective/permitted/inheritable sets (with PR_SET_KEEPCAPS around the uid change), ambient, rlimits,
 * {@code PR_SET_NO_NEW_PRIVS}, then last {@code seccomp(SECCOMP_SET_MODE_FILTER, profile.flags(), &prog)} with
 * {@code SeccompProfile.compile()}: no TSYNC, the filter stays on that thread and its child.
 * {@code SeccompKernelTest} does exactly the no_new_privs + seccomp part on a JVM thread and checks the kernel's
 * answers.
 */
package io.jcri.runtime.security;
