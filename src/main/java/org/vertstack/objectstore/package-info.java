@ModuleGen(name = "vertstack-objectstore", groupPackage = "org.vertstack")
package org.vertstack.objectstore;

import io.vertx.codegen.annotations.ModuleGen;
