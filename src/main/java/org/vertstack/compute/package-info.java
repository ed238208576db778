/** The compute service (Nova v2.1): API, scheduler, compute agents on libvirt. */
@ModuleGen(name = "vertstack-compute", groupPackage = "org.vertstack")
package org.vertstack.compute;

import io.vertx.codegen.annotations.ModuleGen;
