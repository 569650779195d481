// A small gin + database/sql app, the kind RDS Link is for: it reads its MySQL settings from
// config.yaml (viper), with DB_PASSWORD from .env (godotenv) taking precedence.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-sql-driver/mysql"
	"github.com/joho/godotenv"
	"github.com/spf13/viper"
)

// Stamped by the deploy's build: go build -ldflags "-X main.version=<git describe>".
var version = "dev"

type todo struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Done  bool   `json:"done"`
}

func main() {
	_ = godotenv.Load()
	viper.SetConfigFile("config.yaml")
	if err := viper.ReadInConfig(); err != nil {
		log.Fatalf("config: %v", err)
	}
	cfg := mysql.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = fmt.Sprintf("%s:%d", viper.GetString("database.host"), viper.GetInt("database.port"))
	cfg.User = viper.GetString("database.user")
	cfg.Passwd = viper.GetString("database.password")
	if p := os.Getenv("DB_PASSWORD"); p != "" {
		cfg.Passwd = p
	}
	cfg.DBName = viper.GetString("database.name")
	cfg.ParseTime = true

	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	r := gin.Default()
	// The deploy's health gate: healthy means the app runs and reaches its database.
	r.GET("/healthz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable", "error": err.Error(), "version": version})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok", "version": version})
	})
	r.GET("/todos", func(c *gin.Context) {
		rows, err := db.QueryContext(c, "SELECT id, title, done FROM todos ORDER BY id")
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		defer rows.Close()
		var out []todo
		for rows.Next() {
			var t todo
			if err := rows.Scan(&t.ID, &t.Title, &t.Done); err != nil {
				c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
				return
			}
			out = append(out, t)
		}
		c.JSON(http.StatusOK, out)
	})
	log.Fatal(r.Run(viper.GetString("server.addr")))
}
