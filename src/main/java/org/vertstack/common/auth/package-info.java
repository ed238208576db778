@ModuleGen(name = "vertstack-auth", groupPackage = "org.vertstack")
package org.vertstack.common.auth;

import io.vertx.codegen.annotations.ModuleGen;
