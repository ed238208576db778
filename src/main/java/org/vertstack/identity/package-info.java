@ModuleGen(name = "vertstack-identity", groupPackage = "org.vertstack")
package org.vertstack.identity;

import io.vertx.codegen.annotations.ModuleGen;
