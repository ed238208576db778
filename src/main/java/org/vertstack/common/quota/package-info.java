@ModuleGen(name = "vertstack-quota", groupPackage = "org.vertstack")
package org.vertstack.common.quota;

import io.vertx.codegen.annotations.ModuleGen;
