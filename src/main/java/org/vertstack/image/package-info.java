@ModuleGen(name = "vertstack-image", groupPackage = "org.vertstack")
package org.vertstack.image;

import io.vertx.codegen.annotations.ModuleGen;
