package org.vertstack.common.module;

import org.vertstack.common.http.ApiKit;

/** A module that has started on this node, with the handle its start produced. */
public record StartedModule<H>(ServiceModule<H> module, H handle) {

  public void mount(ApiKit api) {
    module.mount(handle, api);
  }
}
