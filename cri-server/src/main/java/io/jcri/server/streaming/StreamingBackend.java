package io.jcri.server.streaming;

import io.jcri.image.ImageService;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.container.ContainerLogs;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.SandboxStore;

/** What the streaming sessions work on: the engine, the CRI stores, the containers' stdio and logs. */
public record StreamingBackend(ContainerRuntime runtime, ContainerStore containers, SandboxStore sandboxes,
                               ContainerLogs logs, ImageService images) {
}
